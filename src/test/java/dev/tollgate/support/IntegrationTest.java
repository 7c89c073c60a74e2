package dev.tollgate.support;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole application on a random port against the real test database; tests drive it
 * over HTTP. Subclasses share one context (and so one application) unless they change its
 * configuration.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tollgate.jira.webhook-secrets=" + IntegrationTest.SECRET + "," + IntegrationTest.SECOND_SECRET,
				"tollgate.jobs.poll-interval=100ms", "tollgate.jobs.backoff-initial=200ms",
				"tollgate.jobs.backoff-max=1s", "tollgate.webhook.max-body-size=1MB",
				"tollgate.admin.bootstrap-token=" + IntegrationTest.ADMIN_TOKEN,
				"tollgate.policy.refresh-interval=200ms", "tollgate.github.webhook-secrets=gh-old-secret,gh-new-secret",
				"tollgate.gitlab.webhook-tokens=gl-token", "tollgate.jenkins.webhook-secrets=jenkins-secret",
				// Keep each context's pool small, and the job threads within it.
				"tollgate.jobs.concurrency=4", "spring.datasource.hikari.maximum-pool-size=8",
				"spring.datasource.hikari.minimum-idle=1" })
public abstract class IntegrationTest {

	public static final String SECRET = "test-secret-current";

	public static final String SECOND_SECRET = "test-secret-next";

	public static final String ADMIN_TOKEN = "test-bootstrap-admin-token";

	@LocalServerPort
	protected int port;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.Connection db = TestDatabase.get();
		registry.add("spring.datasource.url", db::url);
		registry.add("spring.datasource.username", db::username);
		registry.add("spring.datasource.password", db::password);
	}

	protected ApiClient api() {
		return new ApiClient(this.port, ADMIN_TOKEN);
	}

	protected ApiClient api(String token) {
		return new ApiClient(this.port, token);
	}

	protected WebhookSender webhooks() {
		return new WebhookSender(this.port, SECRET);
	}

}
