package dev.tollgate.webhook;

import dev.tollgate.signature.HmacSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.support.JiraPayloads;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Specific hostile inputs through the real endpoint: each gets a clear 4xx, never a 5xx
 * and never a 2xx for something ambiguous. Bodies are signed with the real secret unless
 * the test is about the signature, so that they reach the parser; unsigned garbage gets
 * 401 before parsing.
 */
class HostileInputTests extends HostileEndpointTest {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private JdbcClient jdbc;

	private static String unique() {
		return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE));
	}

	// --- nesting ---

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "[", "{\"a\":", "{\"content\":[" })
	void tensOfThousandsOfNestedLevelsAre400(String open) {
		String close = switch (open) {
			case "[" -> "]";
			case "{\"a\":" -> "}";
			default -> "]}";
		};
		// 100k levels where they fit in the 1 MB limit, else as many as fit (64k).
		int levels = Math.min(100_000, 900_000 / (open.length() + close.length()));
		String body = "{\"webhookEvent\":\"comment_created\",\"comment\":{\"id\":1,\"body\":" + open.repeat(levels)
				+ "1" + close.repeat(levels) + "}}";
		assertThat(body.length()).isLessThan(1024 * 1024);
		assertMalformed(signed(body), "JSON");
	}

	@Test
	void nestingWithinTheLimitIsStillRead() {
		String deep = "{\"type\":\"paragraph\",\"content\":[".repeat(200) + "{\"type\":\"text\",\"text\":\"/approve\"}"
				+ "]}".repeat(200);
		String body = JiraPayloads.comment(unique(), unique(), "x").replace("\"body\": \"x\"", "\"body\": " + deep);
		HttpResponse<String> response = signed(body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		assertThat(field(response, "status")).isEqualTo("QUEUED");
	}

	// --- size ---

	@Test
	void signedJsonBeyondTheBodyLimitIs413() {
		String body = "{\"webhookEvent\":\"jira:issue_updated\",\"pad\":[" + "1,".repeat(600_000) + "1]}";
		assertProblem(signed(body), 413);
	}

	@Test
	void aHugeStringWithinTheLimitInAnIgnoredFieldIsAccepted() {
		String body = JiraPayloads.transition(unique(), unique(), "A", "B")
			.replace("Deploy payment service 2.4.1", "é".repeat(400_000));
		HttpResponse<String> response = signed(body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
	}

	@Test
	void aHugeStringWithinTheLimitInAStoredFieldIsAcceptedOrRefusedButNever5xx() {
		String issueId = unique();
		// The status name appears twice in a transition: 2 x 450 kB stays under the 1 MB
		// limit.
		String body = JiraPayloads.transition(issueId, unique(), "A", "B".repeat(450_000));
		HttpResponse<String> response = signed(body);
		assertThat(response.statusCode()).as(response.body()).isIn(202, 400);
	}

	@Test
	void aNumberLongerThanJacksonAllowsIs400() {
		String body = JiraPayloads.fieldEdit(unique(), unique()).replace("1767225600456", "9".repeat(5_000));
		assertMalformed(signed(body), "JSON");
	}

	// --- encoding ---

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "C328", "80", "C0AF", "E282", "F4908080", "FF", "EDA080" })
	void invalidUtf8Is400(String hex) {
		byte[] prefix = JiraPayloads.transition(unique(), unique(), "A", "B")
			.replace("Deploy payment service 2.4.1", "@@")
			.getBytes(StandardCharsets.UTF_8);
		String text = new String(prefix, StandardCharsets.UTF_8);
		int at = text.indexOf("@@");
		byte[] bad = java.util.HexFormat.of().parseHex(hex);
		byte[] body = new byte[prefix.length - 2 + bad.length];
		System.arraycopy(prefix, 0, body, 0, at);
		System.arraycopy(bad, 0, body, at, bad.length);
		System.arraycopy(prefix, at + 2, body, at + bad.length, prefix.length - at - 2);
		assertMalformed(signed(body), "JSON");
	}

	@Test
	void aNulCharacterInAStoredFieldIs400NotADatabaseError() {
		String body = JiraPayloads.transition(unique(), unique(), "A", "Done\\u0000");
		assertMalformed(signed(body), "NUL");
		String inEvent = "{\"webhookEvent\":\"jira:issue_updated\\u0000\"}";
		assertMalformed(signed(inEvent), "NUL");
	}

	@Test
	void loneSurrogatesAreAcceptedOrRefusedButNever5xx() {
		String body = JiraPayloads.transition(unique(), unique(), "A\\ud800", "B\\udfff");
		HttpResponse<String> response = signed(body);
		assertThat(response.statusCode()).as(response.body()).isIn(202, 400);
	}

	// --- duplicate keys ---

	@Test
	void twoWebhookEventKeysAre400() {
		String body = "{\"webhookEvent\":\"project_created\",\"webhookEvent\":\"jira:issue_updated\"}";
		assertMalformed(signed(body), "JSON");
	}

	@Test
	void aDuplicateKeyDeepInsideIs400() {
		String body = JiraPayloads.transition(unique(), unique(), "A", "B")
			.replace("\"toString\": \"B\"", "\"toString\": \"B\", \"toString\": \"Done\"");
		assertMalformed(signed(body), "JSON");
	}

	// --- numbers ---

	@Test
	void anIssueIdOutOfRangeIs400() {
		String body = JiraPayloads.transition("1", unique(), "A", "B").replace("\"id\": \"1\"", "\"id\": 1e400");
		assertThat(body).contains("1e400");
		assertMalformed(signed(body), "issue.id");
	}

	@Test
	void aHugeIntegerIdIsKeptExactly() {
		String id = "99999999999999999999" + unique();
		String body = JiraPayloads.transition("1", unique(), "A", "B").replace("\"id\": \"1\"", "\"id\": " + id);
		HttpResponse<String> response = signed(body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.delivery WHERE issue_id = ?")
			.param(id)
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	@Test
	void aTimestampOutOfRangeIsIgnoredLikeEveryUnreadField() {
		String body = JiraPayloads.transition(unique(), unique(), "A", "B")
			.replaceFirst("\"timestamp\": \\d+", "\"timestamp\": 99999999999999999999");
		HttpResponse<String> response = signed(body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "NaN", "Infinity", "-Infinity", "0x10", "01", "+1", ".5" })
	void numbersThatAreNotJsonAre400(String number) {
		String body = "{\"webhookEvent\":\"jira:issue_updated\",\"timestamp\":" + number + "}";
		assertMalformed(signed(body), "JSON");
	}

	// --- wrong types ---

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "[]", "\"jira:issue_updated\"", "null", "42", "{\"webhookEvent\":{}}",
			"{\"webhookEvent\":[\"jira:issue_updated\"]}", "{\"webhookEvent\":null}", "{\"webhookEvent\":true}",
			"{\"webhookEvent\":\"jira:issue_updated\",\"issue\":[],\"changelog\":{\"items\":[{\"field\":\"status\",\"toString\":\"B\"}]}}",
			"{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{\"id\":{},\"key\":\"A-1\"},\"changelog\":{\"items\":[{\"field\":\"status\",\"toString\":\"B\"}]}}",
			"{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{\"id\":1,\"key\":true},\"changelog\":{\"items\":[{\"field\":\"status\",\"toString\":\"B\"}]}}",
			"{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{\"id\":1,\"key\":\"A-1\"},\"changelog\":{\"items\":[{\"field\":\"status\",\"toString\":[]}]}}",
			"{\"webhookEvent\":\"jira:issue_created\",\"issue\":{\"id\":1,\"key\":\"A-1\",\"fields\":{\"status\":\"Open\"}}}",
			"{\"webhookEvent\":\"comment_created\",\"comment\":{\"id\":{},\"body\":\"/approve\"},\"issue\":{\"id\":1,\"key\":\"A-1\"}}" })
	void wrongTypesWhereSomethingIsNeededAre400(String body) {
		assertMalformed(signed(body), null);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "{\"webhookEvent\":\"jira:issue_updated\",\"changelog\":{\"id\":[],\"items\":\"status\"}}",
			"{\"webhookEvent\":\"jira:issue_updated\",\"changelog\":{\"items\":{\"field\":\"status\"}}}",
			"{\"webhookEvent\":\"comment_created\",\"comment\":{\"id\":1,\"body\":42}}",
			"{\"webhookEvent\":\"comment_created\",\"comment\":{\"id\":1,\"body\":{\"content\":\"/approve\"}}}",
			"{\"webhookEvent\":\"project_created\",\"issue\":\"not an object\"}" })
	void wrongTypesWhereNothingIsNeededAreIgnored(String template) {
		HttpResponse<String> response = signed(template);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		assertThat(field(response, "status")).isEqualTo("IGNORED");
	}

	// --- headers ---

	@Test
	void aBareCrOrAFoldedLineOrAControlInTheDeliveryIdIs400() {
		// Tomcat refuses a bare CR and controls itself; a folded line it unfolds into
		// spaces, which the
		// endpoint refuses once the signature is valid.
		byte[] body = JiraPayloads.transition(unique(), unique(), "A", "B").getBytes(StandardCharsets.UTF_8);
		String deliveryId = UUID.randomUUID().toString();
		for (String injected : List.of(deliveryId + "\rX-Hub-Signature: sha256=" + "0".repeat(64),
				deliveryId + "\r\n folded", deliveryId + "\r\n\tX-Hub-Signature: x", deliveryId + "\u0000x",
				deliveryId + "\u007fx", deliveryId + "\tx", deliveryId + " x", deliveryId + "\u00ff")) {
			RawHttp.Response response = raw(body, List.of("X-Hub-Signature: " + HmacSignature.sign(SECRET, body),
					"X-Atlassian-Webhook-Identifier: " + injected));
			assertThat(response.status())
				.as("%s: %s", injected.chars().mapToObj(Integer::toHexString).toList(), response.raw())
				.isEqualTo(400);
		}
		assertThat(count("SELECT count(*) FROM tollgate.delivery WHERE delivery_id LIKE ?", deliveryId + "%")).isZero();
	}

	@Test
	void aBareLfEndsTheDeliveryIdAndSmugglesNothingIntoIt() {
		// RFC 9112 section 2.2 lets a server read a bare LF as the end of a line, and
		// Tomcat does: what
		// follows is a header of its own, and the delivery id is only what came before
		// it.
		byte[] body = JiraPayloads.fieldEdit(unique(), unique()).getBytes(StandardCharsets.UTF_8);
		String deliveryId = UUID.randomUUID().toString();
		RawHttp.Response response = raw(body, List.of("X-Hub-Signature: " + HmacSignature.sign(SECRET, body),
				"X-Atlassian-Webhook-Identifier: " + deliveryId + "\nX-Atlassian-Webhook-Identifier: smuggled"));
		assertThat(response.status()).as(response.raw()).isEqualTo(400);
		assertThat(response.raw()).contains("more than one X-Atlassian-Webhook-Identifier");
		RawHttp.Response alone = raw(body, List.of("X-Hub-Signature: " + HmacSignature.sign(SECRET, body),
				"X-Atlassian-Webhook-Identifier: " + deliveryId + "\nX-Injected: 1"));
		assertThat(alone.status()).as(alone.raw()).isEqualTo(202);
		assertThat(this.jdbc.sql("SELECT delivery_id FROM tollgate.delivery WHERE delivery_id LIKE ?")
			.param(deliveryId + "%")
			.query(String.class)
			.list()).containsExactly(deliveryId);
	}

	@Test
	void crLfInTheSignatureIs4xx() {
		byte[] body = JiraPayloads.transition(unique(), unique(), "A", "B").getBytes(StandardCharsets.UTF_8);
		String valid = HmacSignature.sign(SECRET, body);
		for (String injected : List.of(valid + "\rX-Injected: 1", valid.substring(0, 30) + "\n" + valid.substring(30),
				valid.substring(0, 30) + "\r\n " + valid.substring(30))) {
			RawHttp.Response response = raw(body, List.of("X-Hub-Signature: " + injected));
			assertThat(response.status()).as(response.raw()).isBetween(400, 499);
		}
	}

	@Test
	void conflictingFramingHeadersAre400() {
		byte[] body = JiraPayloads.transition(unique(), unique(), "A", "B").getBytes(StandardCharsets.UTF_8);
		RawHttp.Response response = raw(body, List.of("X-Hub-Signature: " + HmacSignature.sign(SECRET, body),
				"Transfer-Encoding: chunked", "Content-Length: 5"));
		assertThat(response.status()).as(response.raw()).isEqualTo(400);
	}

	@Test
	void anOverlongSignatureIs401() {
		byte[] body = JiraPayloads.transition(unique(), unique(), "A", "B").getBytes(StandardCharsets.UTF_8);
		String valid = HmacSignature.sign(SECRET, body);
		assertProblem(post(body, "X-Hub-Signature", valid + "0".repeat(4_000)), 401);
		assertProblem(post(body, "X-Hub-Signature", valid + " ".repeat(1_000) + "x"), 401);
	}

	@Test
	void headersBeyondTomcatsLimitAre4xx() {
		byte[] body = JiraPayloads.transition(unique(), unique(), "A", "B").getBytes(StandardCharsets.UTF_8);
		HttpResponse<String> response = post(body, "X-Hub-Signature", HmacSignature.sign(SECRET, body),
				"X-Atlassian-Webhook-Identifier", "d".repeat(20_000));
		assertThat(response.statusCode()).isBetween(400, 499);
	}

	@Test
	void anOverlongDeliveryIdIs400NotCutIntoAnotherDeliverysId() {
		String prefix = "d".repeat(200) + UUID.randomUUID();
		byte[] first = JiraPayloads.transition(unique(), unique(), "A", "B").getBytes(StandardCharsets.UTF_8);
		HttpResponse<String> response = post(first, "X-Hub-Signature", HmacSignature.sign(SECRET, first),
				"X-Atlassian-Webhook-Identifier", prefix + "-first");
		assertMalformed(response, "X-Atlassian-Webhook-Identifier");
		assertThat(count("SELECT count(*) FROM tollgate.delivery WHERE delivery_id LIKE ?", "ddd%")).isZero();
	}

	@Test
	void anUnsignedOverlongDeliveryIdIsStill401() {
		byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
		assertProblem(post(body, "X-Hub-Signature", "sha256=" + "0".repeat(64), "X-Atlassian-Webhook-Identifier",
				"d".repeat(5_000)), 401);
	}

	@Test
	void twoSignatureHeadersAreRefusedEvenIfBothAreValid() {
		byte[] body = JiraPayloads.transition(unique(), unique(), "A", "B").getBytes(StandardCharsets.UTF_8);
		String valid = HmacSignature.sign(SECRET, body);
		String validNext = HmacSignature.sign(SECOND_SECRET, body);
		String deliveryId = UUID.randomUUID().toString();
		for (List<String> signatures : List.of(List.of(valid, valid), List.of(valid, validNext),
				List.of(valid, "sha256=" + "0".repeat(64)), List.of("sha256=" + "0".repeat(64), valid),
				List.of(valid, ""))) {
			List<String> headers = new ArrayList<>(List.of("X-Atlassian-Webhook-Identifier", deliveryId));
			signatures.forEach((signature) -> headers.addAll(List.of("X-Hub-Signature", signature)));
			assertProblem(post(body, headers.toArray(String[]::new)), 401);
		}
		assertThat(count("SELECT count(*) FROM tollgate.delivery WHERE delivery_id = ?", deliveryId)).isZero();
	}

	@Test
	void twoDeliveryIdHeadersAre400() {
		byte[] body = JiraPayloads.transition(unique(), unique(), "A", "B").getBytes(StandardCharsets.UTF_8);
		String first = UUID.randomUUID().toString();
		HttpResponse<String> response = post(body, "X-Hub-Signature", HmacSignature.sign(SECRET, body),
				"X-Atlassian-Webhook-Identifier", first, "X-Atlassian-Webhook-Identifier",
				UUID.randomUUID().toString());
		assertMalformed(response, "X-Atlassian-Webhook-Identifier");
		assertThat(count("SELECT count(*) FROM tollgate.delivery WHERE delivery_id LIKE ?", first + "%")).isZero();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "99999999999999999999", "-5", "two", "1\u00a0", "" })
	void aNonsenseRetryCountIsNotAnError(String retry) {
		byte[] body = JiraPayloads.fieldEdit(unique(), unique()).getBytes(StandardCharsets.UTF_8);
		HttpResponse<String> response = post(body, "X-Hub-Signature", HmacSignature.sign(SECRET, body),
				"X-Atlassian-Webhook-Retry", retry);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
	}

	// --- content types ---

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "text/plain", "application/xml", "application/x-www-form-urlencoded",
			"multipart/form-data; boundary=x", "application/octet-stream", "application/json-seq", "text/json", "bogus",
			"application/json/x" })
	void aSignedBodyIsJudgedByItsContentNotItsLabel(String contentType) {
		// The body is JSON or it is a 400; the Content-Type header is not consulted
		// (the sender is authenticated already, and multipart parsing is off, so nothing
		// reads the body first).
		byte[] json = JiraPayloads.transition(unique(), unique(), "A", "B").getBytes(StandardCharsets.UTF_8);
		String deliveryId = UUID.randomUUID().toString();
		HttpResponse<String> response = post(json, "Content-Type", contentType, "X-Hub-Signature",
				HmacSignature.sign(SECRET, json), "X-Atlassian-Webhook-Identifier", deliveryId);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		assertThat(count("SELECT count(*) FROM tollgate.delivery WHERE delivery_id = ?", deliveryId)).isEqualTo(1);

		byte[] notJson = "a=1&b=2".getBytes(StandardCharsets.UTF_8);
		assertProblem(
				post(notJson, "Content-Type", contentType, "X-Hub-Signature", HmacSignature.sign(SECRET, notJson)),
				400);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "application/json", "application/json; charset=utf-8", "APPLICATION/JSON;charset=UTF-8",
			"application/vnd.atlassian+json" })
	void jsonContentTypesAreAccepted(String contentType) {
		byte[] body = JiraPayloads.fieldEdit(unique(), unique()).getBytes(StandardCharsets.UTF_8);
		HttpResponse<String> response = post(body, "Content-Type", contentType, "X-Hub-Signature",
				HmacSignature.sign(SECRET, body));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
	}

	@Test
	void noContentTypeIsReadAsJson() {
		byte[] body = JiraPayloads.fieldEdit(unique(), unique()).getBytes(StandardCharsets.UTF_8);
		RawHttp.Response response = raw(body, List.of("X-Hub-Signature: " + HmacSignature.sign(SECRET, body)), false);
		assertThat(response.status()).as(response.raw()).isEqualTo(202);
	}

	@Test
	void anUnsignedBodyWithAnotherContentTypeIs401() {
		// The signature comes first: nothing about an unsigned request is trusted.
		byte[] body = "a=1&b=2".getBytes(StandardCharsets.UTF_8);
		assertProblem(post(body, "Content-Type", "application/x-www-form-urlencoded", "X-Hub-Signature",
				"sha256=" + "0".repeat(64)), 401);
		assertProblem(post(body, "Content-Type", "text/plain"), 401);
	}

	@Test
	void unsignedJsonGarbageIs401AndNeverParsed() {
		String deliveryId = UUID.randomUUID().toString();
		byte[] body = "{\"webhookEvent\":1,\"webhookEvent\":[[[[".getBytes(StandardCharsets.UTF_8);
		assertProblem(post(body, "X-Hub-Signature", HmacSignature.sign("wrong", body), "X-Atlassian-Webhook-Identifier",
				deliveryId), 401);
		assertThat(
				count("SELECT count(*) FROM tollgate.audit_event WHERE type = 'WEBHOOK_MALFORMED' AND delivery_id = ?",
						deliveryId))
			.isZero();
	}

	// --- helpers ---

	private HttpResponse<String> signed(String body) {
		return signed(body.getBytes(StandardCharsets.UTF_8));
	}

	private HttpResponse<String> signed(byte[] body) {
		return post(body, "X-Hub-Signature", HmacSignature.sign(SECRET, body), "X-Atlassian-Webhook-Identifier",
				UUID.randomUUID().toString());
	}

	/**
	 * Posts {@code body} with the given header name/value pairs; JSON content type unless
	 * one is given.
	 */
	private HttpResponse<String> post(byte[] body, String... headers) {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/jira"))
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		boolean contentType = false;
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
			contentType |= headers[i].equalsIgnoreCase("Content-Type");
		}
		if (!contentType) {
			request.header("Content-Type", "application/json");
		}
		try {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private RawHttp.Response raw(byte[] body, List<String> headers) {
		return raw(body, headers, true);
	}

	private RawHttp.Response raw(byte[] body, List<String> headers, boolean json) {
		StringBuilder head = new StringBuilder("POST /webhooks/jira HTTP/1.1\r\nHost: 127.0.0.1:" + this.port + "\r\n");
		if (json) {
			head.append("Content-Type: application/json\r\n");
		}
		if (headers.stream()
			.noneMatch((header) -> header.startsWith("Content-Length") || header.startsWith("Transfer"))) {
			head.append("Content-Length: ").append(body.length).append("\r\n");
		}
		headers.forEach((header) -> head.append(header).append("\r\n"));
		return RawHttp.send(this.port, head.toString(), body);
	}

	private static void assertProblem(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).as(response.body())
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(json.readTree(response.body()).path("status").asInt()).isEqualTo(status);
	}

	/**
	 * 400 problem+json, audited as WEBHOOK_MALFORMED, with {@code detail} naming the
	 * problem.
	 */
	private void assertMalformed(HttpResponse<String> response, String detail) {
		assertProblem(response, 400);
		if (detail != null) {
			assertThat(field(response, "detail")).contains(detail);
		}
		String deliveryId = response.request().headers().firstValue("X-Atlassian-Webhook-Identifier").orElse(null);
		if (deliveryId != null && deliveryId.length() < 100 && !field(response, "detail").contains("Identifier")) {
			assertThat(count(
					"SELECT count(*) FROM tollgate.audit_event WHERE type = 'WEBHOOK_MALFORMED' AND delivery_id = ?",
					deliveryId))
				.isEqualTo(1);
			assertThat(count("SELECT count(*) FROM tollgate.delivery WHERE delivery_id = ?", deliveryId)).isZero();
		}
	}

	private static String field(HttpResponse<String> response, String name) {
		JsonNode node = json.readTree(response.body()).path(name);
		return node.asString("");
	}

	private long count(String sql, Object param) {
		return this.jdbc.sql(sql).param(param).query(Long.class).single();
	}

}
