package dev.tollgate.webhook;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import dev.tollgate.support.WebhookSender;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source allow-list and the limit on bad signatures through the real endpoint. The
 * test client is 127.0.0.1, which is also the trusted proxy here, so X-Forwarded-For
 * decides the source.
 */
@TestPropertySource(properties = { "tollgate.webhook.allowed-cidrs=203.0.113.0/24, 2001:db8::/32",
		"tollgate.webhook.trusted-proxies=127.0.0.1/32", "tollgate.webhook.rejected-signature-limit-per-minute=3" })
class WebhookSourceEndToEndTests extends IntegrationTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	@Test
	void theLoopbackPeerItselfIsRefusedWith403BeforeTheSignatureIsChecked() {
		String before = scrape();
		// Unsigned: a 401 would mean the signature was looked at.
		HttpResponse<String> response = webhooks().send(new byte[] { '{', '}' }, UUID.randomUUID().toString(), null);
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(body(response).get("type").asString()).endsWith("/forbidden-source");
		assertThat(counter(scrape(), "FORBIDDEN_SOURCE")).isGreaterThan(counter(before, "FORBIDDEN_SOURCE"));
	}

	@Test
	void aForwardedAddressInsideTheAllowListIsAccepted() {
		HttpResponse<String> response = webhooks().forwardedFor("203.0.113.10")
			.send(JiraPayloads.fieldEdit(unique(), unique()), UUID.randomUUID().toString());
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(webhooks().forwardedFor("2001:db8::10")
			.send(JiraPayloads.fieldEdit(unique(), unique()), UUID.randomUUID().toString())
			.statusCode()).isEqualTo(202);
	}

	@Test
	void aForwardedAddressOutsideTheAllowListIsRefused() {
		HttpResponse<String> response = webhooks().forwardedFor("198.51.100.7")
			.send(JiraPayloads.fieldEdit(unique(), unique()), UUID.randomUUID().toString());
		assertThat(response.statusCode()).isEqualTo(403);
	}

	@Test
	void onlyTheRightMostUntrustedEntryCounts() {
		// A client outside the list cannot get in by writing an allowed address in front
		// of its own.
		assertThat(webhooks().forwardedFor("203.0.113.10, 198.51.100.7")
			.send(JiraPayloads.fieldEdit(unique(), unique()), UUID.randomUUID().toString())
			.statusCode()).isEqualTo(403);
		// Whatever the client wrote first does not matter when the proxy's entry is
		// allowed.
		assertThat(webhooks().forwardedFor("198.51.100.7, 203.0.113.10")
			.send(JiraPayloads.fieldEdit(unique(), unique()), UUID.randomUUID().toString())
			.statusCode()).isEqualTo(202);
	}

	@Test
	void badSignaturesFromOneSourceAreLimitedWithoutAffectingOthers() {
		String before = scrape();
		WebhookSender attacker = new WebhookSender(this.port, "not-the-secret").forwardedFor("203.0.113.66");
		for (int i = 0; i < 3; i++) {
			assertThat(attacker.send(JiraPayloads.fieldEdit(unique(), unique()), UUID.randomUUID().toString())
				.statusCode()).isEqualTo(401);
		}
		HttpResponse<String> limited = attacker.send(JiraPayloads.fieldEdit(unique(), unique()),
				UUID.randomUUID().toString());
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
		assertThat(body(limited).get("type").asString()).endsWith("/too-many-bad-signatures");
		// A correct signature from that source is still accepted: Jira Cloud sites share
		// egress
		// addresses, so another site's bad webhook must not block this one's deliveries.
		assertThat(webhooks().forwardedFor("203.0.113.66")
			.send(JiraPayloads.fieldEdit(unique(), unique()), UUID.randomUUID().toString())
			.statusCode()).isEqualTo(202);
		// Another source is unaffected.
		assertThat(webhooks().forwardedFor("203.0.113.67")
			.send(JiraPayloads.fieldEdit(unique(), unique()), UUID.randomUUID().toString())
			.statusCode()).isEqualTo(202);
		assertThat(counter(scrape(), "RATE_LIMITED")).isGreaterThanOrEqualTo(counter(before, "RATE_LIMITED") + 1);
	}

	private static String unique() {
		return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE));
	}

	private static JsonNode body(HttpResponse<String> response) {
		return json.readTree(response.body());
	}

	private String scrape() {
		try {
			return http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/prometheus"))
					.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
				.body();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static double counter(String scrape, String status) {
		String prefix = "tollgate_webhooks_received_total{application=\"tollgate\",status=\"" + status + "\"} ";
		return scrape.lines()
			.filter((line) -> line.startsWith(prefix))
			.mapToDouble((line) -> Double.parseDouble(line.substring(prefix.length()).strip()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no series for status " + status));
	}

}
