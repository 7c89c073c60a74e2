package dev.tollgate.webhook;

import dev.tollgate.signature.HmacSignature;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import dev.tollgate.support.WebhookSender;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /webhooks/jira}, one test per answer it can give, over real HTTP against
 * the real database.
 */
class JiraWebhookEndToEndTests extends IntegrationTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private JdbcClient jdbc;

	private static String unique() {
		return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE));
	}

	@Test
	void statusTransitionIsQueuedAndDecided() {
		String deliveryId = UUID.randomUUID().toString();
		String issueId = unique();
		HttpResponse<String> response = webhooks()
			.send(JiraPayloads.transition(issueId, unique(), "In Progress", "Done"), deliveryId);
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(body(response).get("status").asString()).isEqualTo("QUEUED");
		assertThat(body(response).get("deliveryId").asString()).isEqualTo(deliveryId);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> count("SELECT count(*) FROM tollgate.audit_event WHERE type = 'DECISION' AND delivery_id = ?",
					deliveryId) == 1);
	}

	@Test
	void issueCreatedIsQueued() {
		HttpResponse<String> response = webhooks().send(JiraPayloads.issueCreated(unique()),
				UUID.randomUUID().toString());
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(body(response).get("status").asString()).isEqualTo("QUEUED");
	}

	@Test
	void approvalCommentIsQueued() {
		HttpResponse<String> response = webhooks().send(JiraPayloads.comment(unique(), unique(), "/approve"),
				UUID.randomUUID().toString());
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(body(response).get("status").asString()).isEqualTo("QUEUED");
	}

	@Test
	void secondSecretIsAcceptedDuringRotation() {
		WebhookSender withNextSecret = new WebhookSender(this.port, SECOND_SECRET);
		HttpResponse<String> response = withNextSecret.send(JiraPayloads.transition(unique(), unique(), "A", "B"),
				UUID.randomUUID().toString());
		assertThat(response.statusCode()).isEqualTo(202);
	}

	@Test
	void fieldEditIsIgnoredAndQueuesNothing() {
		String deliveryId = UUID.randomUUID().toString();
		HttpResponse<String> response = webhooks().send(JiraPayloads.fieldEdit(unique(), unique()), deliveryId);
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(body(response).get("status").asString()).isEqualTo("IGNORED");
		assertThat(count("SELECT count(*) FROM tollgate.job WHERE payload->>'deliveryId' = ?", deliveryId)).isZero();
	}

	@Test
	void commentWithoutCommandAndOtherEventsAreIgnored() {
		assertThat(body(
				webhooks().send(JiraPayloads.comment(unique(), unique(), "nice work"), UUID.randomUUID().toString()))
			.get("status")
			.asString()).isEqualTo("IGNORED");
		HttpResponse<String> other = webhooks().send(JiraPayloads.otherEvent(), UUID.randomUUID().toString());
		assertThat(other.statusCode()).isEqualTo(202);
		assertThat(body(other).get("status").asString()).isEqualTo("IGNORED");
	}

	@Test
	void sameDeliveryIdIsADuplicate() {
		String deliveryId = UUID.randomUUID().toString();
		String body = JiraPayloads.transition(unique(), unique(), "In Progress", "Done");
		assertThat(webhooks().send(body, deliveryId).statusCode()).isEqualTo(202);
		HttpResponse<String> again = webhooks().send(body, deliveryId);
		assertThat(again.statusCode()).isEqualTo(200);
		assertThat(body(again).get("status").asString()).isEqualTo("DUPLICATE");
		assertThat(body(again).get("deliveryId").asString()).isEqualTo(deliveryId);
		assertDecidedOnce("delivery_id", deliveryId);
	}

	@Test
	void sameChangeUnderAnotherDeliveryIdIsADuplicate() {
		String issueId = unique();
		String changelogId = unique();
		String body = JiraPayloads.transition(issueId, changelogId, "In Progress", "Done");
		assertThat(webhooks().send(body, UUID.randomUUID().toString()).statusCode()).isEqualTo(202);
		HttpResponse<String> replay = webhooks().send(body, UUID.randomUUID().toString());
		assertThat(replay.statusCode()).isEqualTo(200);
		assertThat(body(replay).get("status").asString()).isEqualTo("DUPLICATE");
		HttpResponse<String> noDeliveryId = webhooks().send(body, null);
		assertThat(noDeliveryId.statusCode()).isEqualTo(200);
		assertDecidedOnce("issue_id", issueId);
	}

	@Test
	void aSignedBodySeenBeforeIsADuplicateWhateverItsDeliveryId() {
		String issueId = unique();
		String changelogId = unique();
		// without a changelog id only the body itself can tell a replay
		String body = JiraPayloads.transition(issueId, changelogId, "In Progress", "Done")
			.replace("\"id\": \"" + changelogId + "\",", "");
		assertThat(body).doesNotContain(changelogId);
		HttpResponse<String> first = webhooks().send(body, UUID.randomUUID().toString());
		assertThat(body(first).get("status").asString()).isEqualTo("QUEUED");
		HttpResponse<String> replay = webhooks().send(body, UUID.randomUUID().toString());
		assertThat(replay.statusCode()).isEqualTo(200);
		assertThat(body(replay).get("status").asString()).isEqualTo("DUPLICATE");
		assertDecidedOnce("issue_id", issueId);
	}

	@Test
	void aTransitionOlderThanTheMaximumDeliveryAgeIsIgnoredAndAuditedNotDecided() {
		String issueId = unique();
		String twoDaysAgo = Long.toString(System.currentTimeMillis() - java.time.Duration.ofDays(2).toMillis());
		String body = JiraPayloads.transition(issueId, unique(), "In Progress", "Done")
			.replaceFirst("\"timestamp\": \\d+", "\"timestamp\": " + twoDaysAgo);
		String deliveryId = UUID.randomUUID().toString();
		HttpResponse<String> response = webhooks().send(body, deliveryId);
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(body(response).get("status").asString()).isEqualTo("IGNORED");
		assertThat(count("SELECT count(*) FROM tollgate.job WHERE payload->'issue'->>'id' = ?", issueId)).isZero();
		assertThat(count("SELECT count(*) FROM tollgate.audit_event WHERE delivery_id = ? AND outcome = 'STALE'",
				deliveryId))
			.isEqualTo(1);
	}

	@Test
	void withoutDeliveryIdTheChangeIsStillQueuedOnce() {
		String body = JiraPayloads.transition(unique(), unique(), "In Progress", "Done");
		HttpResponse<String> first = webhooks().send(body, null);
		assertThat(first.statusCode()).isEqualTo(202);
		assertThat(body(first).get("deliveryId").asString()).isNotBlank();
		assertThat(webhooks().send(body, null).statusCode()).isEqualTo(200);
	}

	@Test
	void retryHeaderIsRecorded() {
		String deliveryId = UUID.randomUUID().toString();
		String body = JiraPayloads.transition(unique(), unique(), "In Progress", "Done");
		webhooks().send(body, deliveryId);
		java.net.http.HttpRequest retry = java.net.http.HttpRequest
			.newBuilder(java.net.URI.create("http://127.0.0.1:" + this.port + "/webhooks/jira"))
			.header("Content-Type", "application/json")
			.header("X-Atlassian-Webhook-Identifier", deliveryId)
			.header("X-Atlassian-Webhook-Retry", "2")
			.header("X-Hub-Signature", HmacSignature.sign(SECRET, body.getBytes(StandardCharsets.UTF_8)))
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
			.build();
		assertThat(send(retry).statusCode()).isEqualTo(200);
		assertThat(this.jdbc.sql("SELECT retry_count FROM tollgate.delivery WHERE delivery_id = ?")
			.param(deliveryId)
			.query(Integer.class)
			.single()).isEqualTo(2);
	}

	@Test
	void wrongSignatureIsRejectedAndAudited() {
		String deliveryId = UUID.randomUUID().toString();
		String body = JiraPayloads.transition(unique(), unique(), "In Progress", "Done");
		HttpResponse<String> response = webhooks().send(body.getBytes(StandardCharsets.UTF_8), deliveryId,
				HmacSignature.sign("not-our-secret", body.getBytes(StandardCharsets.UTF_8)));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(count("SELECT count(*) FROM tollgate.delivery WHERE delivery_id = ?", deliveryId)).isZero();
		assertThat(
				count("SELECT count(*) FROM tollgate.audit_event WHERE type = 'WEBHOOK_REJECTED' AND delivery_id = ?",
						deliveryId))
			.isEqualTo(1);
	}

	@Test
	void missingOrMalformedSignatureIsRejected() {
		byte[] body = JiraPayloads.transition(unique(), unique(), "A", "B").getBytes(StandardCharsets.UTF_8);
		String valid = HmacSignature.sign(SECRET, body);
		assertRejectedAs(body, null, "has no X-Hub-Signature header");
		assertRejectedAs(body, valid.substring(7), "does not start with 'sha256='");
		assertRejectedAs(body, "sha1=" + valid.substring(7), "does not start with 'sha256='");
		assertRejectedAs(body, "sha256=beef", "not 'sha256=' followed by 64 hex digits");
		body[body.length - 3] ^= 0x01;
		assertRejectedAs(body, valid, "did not verify against any configured secret");
	}

	/**
	 * The sender is told what is wrong with its signature, and the audit record says the
	 * same: a missing header is not "no secret matched".
	 */
	private void assertRejectedAs(byte[] body, String signature, String problem) {
		String deliveryId = UUID.randomUUID().toString();
		HttpResponse<String> response = webhooks().send(body, deliveryId, signature);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(body(response).get("detail").asString()).contains(problem);
		assertThat(this.jdbc
			.sql("SELECT reason FROM tollgate.audit_event WHERE type = 'WEBHOOK_REJECTED' AND delivery_id = ?")
			.param(deliveryId)
			.query(String.class)
			.list()).singleElement().asString().contains(problem);
	}

	@Test
	void anotherSignatureMethodIsRejectedAuditedAndCountedApart() {
		String deliveryId = UUID.randomUUID().toString();
		byte[] body = JiraPayloads.transition(unique(), unique(), "A", "B").getBytes(StandardCharsets.UTF_8);
		String digest = HmacSignature.sign(SECRET, body).substring("sha256=".length());
		double unknownBefore = received("UNKNOWN_SIGNATURE_METHOD");
		double unauthorizedBefore = received("UNAUTHORIZED");
		HttpResponse<String> response = webhooks().send(body, deliveryId, "sha512=" + digest);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(body(response).get("detail").asString()).contains("only sha256");
		assertThat(count("SELECT count(*) FROM tollgate.delivery WHERE delivery_id = ?", deliveryId)).isZero();
		assertThat(
				jdbc.sql("SELECT reason FROM tollgate.audit_event WHERE type = 'WEBHOOK_REJECTED' AND delivery_id = ?")
					.param(deliveryId)
					.query(String.class)
					.single())
			.contains("other than sha256");
		assertThat(received("UNKNOWN_SIGNATURE_METHOD")).isEqualTo(unknownBefore + 1);
		// A wrong secret under the right method is still a plain rejection.
		webhooks().send(body, UUID.randomUUID().toString(), HmacSignature.sign("not-our-secret", body));
		assertThat(received("UNAUTHORIZED")).isGreaterThan(unauthorizedBefore);
		assertThat(received("UNKNOWN_SIGNATURE_METHOD")).isEqualTo(unknownBefore + 1);
	}

	@Test
	void oversizedBodyIsRefusedWith413() {
		String padding = "x".repeat(1024 * 1024 + 10);
		String body = JiraPayloads.transition(unique(), unique(), "A", "B")
			.replace("\"summary\": \"Deploy payment service 2.4.1\"", "\"summary\": \"" + padding + "\"");
		String deliveryId = UUID.randomUUID().toString();
		HttpResponse<String> response = webhooks().send(body, deliveryId);
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(count("SELECT count(*) FROM tollgate.delivery WHERE delivery_id = ?", deliveryId)).isZero();
	}

	@Test
	void oversizedChunkedBodyIsRefusedWhileStreaming() {
		byte[] chunk = new byte[64 * 1024];
		java.util.Arrays.fill(chunk, (byte) 'x');
		int chunks = 20;
		java.net.http.HttpRequest request = java.net.http.HttpRequest
			.newBuilder(java.net.URI.create("http://127.0.0.1:" + this.port + "/webhooks/jira"))
			.header("Content-Type", "application/json")
			.header("X-Hub-Signature", "sha256=" + "0".repeat(64))
			// No Content-Length: the limit must hold while the body streams in.
			.POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
					java.util.Collections.enumeration(java.util.Collections.nCopies(chunks, chunk)
						.stream()
						.map(java.io.ByteArrayInputStream::new)
						.toList()))))
			.build();
		assertThat(send(request).statusCode()).isEqualTo(413);
	}

	@Test
	void signedButNotJsonIs400AndAudited() {
		String deliveryId = UUID.randomUUID().toString();
		HttpResponse<String> response = webhooks().send("this is not json", deliveryId);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(body(response).get("detail").asString()).contains("JSON");
		assertThat(
				count("SELECT count(*) FROM tollgate.audit_event WHERE type = 'WEBHOOK_MALFORMED' AND delivery_id = ?",
						deliveryId))
			.isEqualTo(1);
	}

	@Test
	void signedJsonWithoutWebhookEventIs400() {
		HttpResponse<String> response = webhooks().send("{\"issue\": {\"id\": \"1\"}}", UUID.randomUUID().toString());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(body(response).get("detail").asString()).contains("webhookEvent");
	}

	@Test
	void fiftyConcurrentIdenticalDeliveriesQueueExactlyOnce() throws Exception {
		String deliveryId = UUID.randomUUID().toString();
		String body = JiraPayloads.transition(unique(), unique(), "In Progress", "Done");
		List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			calls.add(() -> webhooks().send(body, deliveryId));
		}
		ExecutorService pool = Executors.newFixedThreadPool(25);
		List<String> statuses = new ArrayList<>();
		try {
			for (Future<HttpResponse<String>> future : pool.invokeAll(calls)) {
				statuses.add(body(future.get()).get("status").asString());
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(statuses).filteredOn("QUEUED"::equals).hasSize(1);
		assertThat(statuses).filteredOn("DUPLICATE"::equals).hasSize(49);
		assertDecidedOnce("delivery_id", deliveryId);
	}

	@Test
	void metricsAreExposedForPrometheus() {
		webhooks().send(JiraPayloads.fieldEdit(unique(), unique()), UUID.randomUUID().toString());
		java.net.http.HttpRequest scrape = java.net.http.HttpRequest
			.newBuilder(java.net.URI.create("http://127.0.0.1:" + this.port + "/actuator/prometheus"))
			.build();
		HttpResponse<String> response = send(scrape);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body())
			.contains("tollgate_webhooks_received_total{application=\"tollgate\",status=\"IGNORED\"}")
			.contains("tollgate_webhook_ack_seconds_bucket")
			.contains("tollgate_jobs_pending{")
			.contains("tollgate_jobs_oldest_pending_age_seconds{")
			.contains("tollgate_jobs_dead{")
			.contains("tollgate_webhook_ingest_batch_deliveries_count")
			.contains("http_server_requests_seconds_count")
			// Observing each security filter per request was switched off for its cost
			// (ADR 0007).
			.doesNotContain("spring_security_filterchains");
	}

	@Test
	void healthProbesArePublicAndTheApiIsNot() {
		assertThat(send(get("/actuator/health/readiness")).statusCode()).isEqualTo(200);
		assertThat(send(get("/actuator/health/liveness")).statusCode()).isEqualTo(200);
		assertThat(send(get("/actuator/env")).statusCode()).isIn(401, 404);
		assertThat(send(get("/api/v1/audit")).statusCode()).isEqualTo(401);
	}

	private double received(String status) {
		String prefix = "tollgate_webhooks_received_total{application=\"tollgate\",status=\"" + status + "\"} ";
		return send(get("/actuator/prometheus")).body()
			.lines()
			.filter((line) -> line.startsWith(prefix))
			.mapToDouble((line) -> Double.parseDouble(line.substring(prefix.length()).strip()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no series for status " + status));
	}

	private java.net.http.HttpRequest get(String path) {
		return java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + this.port + path))
			.build();
	}

	private static HttpResponse<String> send(java.net.http.HttpRequest request) {
		try {
			return java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private long count(String sql, Object param) {
		return this.jdbc.sql(sql).param(param).query(Long.class).single();
	}

	private static JsonNode body(HttpResponse<String> response) {
		return json.readTree(response.body());
	}

	/**
	 * Exactly one decision, whether made at ingest or by an evaluation job: one DECISION
	 * audit event, and it stays one once nothing of the issue is left to evaluate.
	 */
	private void assertDecidedOnce(String column, String value) {
		String decisions = "SELECT count(*) FROM tollgate.audit_event WHERE type = 'DECISION' AND " + column + " = ?";
		await().atMost(Duration.ofSeconds(10)).until(() -> count(decisions, value) >= 1);
		assertThat(count("SELECT count(*) FROM tollgate.job WHERE kind = 'EVALUATE' AND status <> 'SUCCEEDED' AND "
				+ (column.equals("delivery_id") ? "payload->>'deliveryId'" : "payload->'issue'->>'id'") + " = ?",
				value))
			.isZero();
		assertThat(count(decisions, value)).isEqualTo(1);
	}

}
