package dev.tollgate.support;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole application on a random port against the real test database; tests drive it over
 * HTTP. Subclasses share one context (and so one application) unless they change its
 * configuration.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tollgate.jira.webhook-secrets=" + IntegrationTest.SECRET + "," + IntegrationTest.SECOND_SECRET,
				"tollgate.jobs.poll-interval=100ms", "tollgate.jobs.backoff-initial=200ms",
				"tollgate.jobs.backoff-max=1s", "tollgate.webhook.max-body-size=1MB" })
public abstract class IntegrationTest {

	public static final String SECRET = "test-secret-current";

	public static final String SECOND_SECRET = "test-secret-next";

	@LocalServerPort
	protected int port;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.Connection db = TestDatabase.get();
		registry.add("spring.datasource.url", db::url);
		registry.add("spring.datasource.username", db::username);
		registry.add("spring.datasource.password", db::password);
	}

	protected WebhookSender webhooks() {
		return new WebhookSender(this.port, SECRET);
	}

}
