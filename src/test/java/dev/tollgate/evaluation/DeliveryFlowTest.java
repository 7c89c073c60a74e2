package dev.tollgate.evaluation;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import tools.jackson.databind.JsonNode;

import dev.tollgate.support.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that send a delivery and follow it: to its decision in the audit API and to the
 * jobs it queued.
 */
abstract class DeliveryFlowTest extends IntegrationTest {

	@Autowired
	protected JdbcClient jdbc;

	/** Waits for the one DECISION event of a delivery, read through the admin API. */
	protected JsonNode decision(String delivery) {
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> !events(delivery, "DECISION").isEmpty());
		return events(delivery, "DECISION").get(0);
	}

	protected List<JsonNode> events(String delivery, String type) {
		HttpResponse<String> response = api().get("/api/v1/audit?deliveryId=" + delivery + "&type=" + type);
		assertThat(response.statusCode()).isEqualTo(200);
		return body(response).get("items").valueStream().toList();
	}

	/** The delivery's jobs of {@code kind}. */
	protected long jobs(String delivery, String kind) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.job WHERE kind = ? AND payload->>'deliveryId' = ?")
			.params(kind, delivery)
			.query(Long.class)
			.single();
	}

	/** The attempts of the delivery's evaluation. */
	protected int attempts(String delivery) {
		return this.jdbc.sql("SELECT attempts FROM tollgate.job WHERE kind = 'EVALUATE' AND payload->>'deliveryId' = ?")
			.param(delivery)
			.query(Integer.class)
			.single();
	}

}
