package dev.tollgate.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.tollgate.support.JiraPayloads;
import dev.tollgate.support.TcpProxy;
import dev.tollgate.support.TestDatabase;
import dev.tollgate.support.WebhookSender;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database goes away under a running application (all its connections are dropped and
 * new ones refused) and comes back: webhooks get a bounded 503 with Retry-After
 * meanwhile, never a 2xx without a durable write, and the service recovers without a
 * restart.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tollgate.jira.webhook-secrets=outage-secret", "tollgate.jobs.poll-interval=100ms",
				"spring.datasource.hikari.maximum-pool-size=8", "spring.datasource.hikari.minimum-idle=1" })
@org.springframework.test.annotation.DirtiesContext
class DatabaseOutageTests {

	private static final TcpProxy proxy = startProxy();

	@LocalServerPort
	private int port;

	@Autowired
	private JdbcClient jdbc;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.Connection db = TestDatabase.get();
		TestDatabase.Connection proxied = db.via("127.0.0.1", proxy.port());
		registry.add("spring.datasource.url", proxied::url);
		registry.add("spring.datasource.username", proxied::username);
		registry.add("spring.datasource.password", proxied::password);
	}

	@AfterAll
	static void closeProxy() {
		proxy.close();
	}

	@Test
	void webhooksGet503WhileTheDatabaseIsDownAndRecoverAfter() throws IOException {
		WebhookSender sender = new WebhookSender(this.port, "outage-secret");
		assertThat(sender.send(transition(), UUID.randomUUID().toString()).statusCode()).isEqualTo(202);

		proxy.cut();
		String lostDuringOutage = UUID.randomUUID().toString();
		long start = System.nanoTime();
		HttpResponse<String> during = sender.send(transition(), lostDuringOutage);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(during.statusCode()).isEqualTo(503);
		assertThat(during.headers().firstValue("Retry-After")).isPresent();
		assertThat(during.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(took).isLessThan(Duration.ofSeconds(5));
		assertThat(sender.send(transition(), UUID.randomUUID().toString()).statusCode()).isEqualTo(503);

		proxy.open();
		String afterRecovery = UUID.randomUUID().toString();
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> sender.send(transition(), UUID.randomUUID().toString()).statusCode() == 202);
		HttpResponse<String> recovered = sender.send(transition(), afterRecovery);
		assertThat(recovered.statusCode()).isEqualTo(202);
		// Jira's retry of the delivery that got 503 is processed normally: nothing was
		// half-stored.
		assertThat(sender.send(transition(), lostDuringOutage).statusCode()).isEqualTo(202);
		// And the worker picks up again: the decision follows.
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.jdbc
				.sql("SELECT count(*) FROM tollgate.audit_event WHERE type = 'DECISION' AND delivery_id = ?")
				.param(afterRecovery)
				.query(Long.class)
				.single() == 1);
	}

	private static String transition() {
		long id = ThreadLocalRandom.current().nextLong(1_000_000L, Long.MAX_VALUE);
		return JiraPayloads.transition(Long.toString(id), Long.toString(id), "In Progress", "Done");
	}

	private static TcpProxy startProxy() {
		try {
			java.net.URI uri = java.net.URI.create(TestDatabase.get().url().substring("jdbc:".length()));
			return new TcpProxy(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 5432);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
