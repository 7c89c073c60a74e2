package dev.tollgate.audit;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.TestDatabase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit endpoints over HTTP against the running application and its background
 * sealer: sealing lag and one chain under concurrent appends, verification naming a
 * tampered row (restored at once), every filter, keyset paging under concurrent inserts,
 * exports equal to the query, the head.
 */
class AuditApiTests extends IntegrationTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private AuditLog audit;

	@Autowired
	private JdbcClient jdbc;

	@Test
	void concurrentAppendsAreSealedWithinTwoSecondsIntoOneChainThatVerifies() throws Exception {
		String project = project();
		ExecutorService pool = Executors.newFixedThreadPool(4);
		List<Long> ids = java.util.Collections.synchronizedList(new ArrayList<>());
		try {
			List<Future<?>> writers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				int thread = t;
				writers.add(pool.submit(() -> {
					for (int i = 0; i < 60; i++) {
						ids.add(this.audit.append(event(project, "thread " + thread + " #" + i).build()));
						Thread.sleep(20);
					}
					return null;
				}));
			}
			for (Future<?> writer : writers) {
				writer.get(1, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> unsealed(project) == 0);
		// Lag measured in the database: sealing transaction start minus the event's
		// transaction start.
		double maxLagSeconds = this.jdbc.sql("""
				SELECT extract(epoch FROM max(s.sealed_at - e.occurred_at)) FROM tollgate.audit_event e
				JOIN tollgate.audit_seal s ON s.event_id = e.id WHERE e.project_key = ?""")
			.param(project)
			.query(Double.class)
			.single();
		assertThat(maxLagSeconds).as("sealing lag").isLessThan(2.0);
		List<Map<String, Object>> seals = this.jdbc
			.sql("""
					SELECT s.event_id, s.position, s.hash FROM tollgate.audit_seal s JOIN tollgate.audit_event e ON e.id = s.event_id
					WHERE e.project_key = ? ORDER BY s.position""")
			.param(project)
			.query()
			.listOfRows();
		assertThat(seals).extracting((s) -> s.get("event_id"))
			.containsExactlyElementsOf(ids.stream().sorted().toList());
		assertThat(seals).extracting((s) -> s.get("hash")).doesNotHaveDuplicates();
		JsonNode result = verify();
		assertThat(result.get("verified").booleanValue()).isTrue();
		assertThat(result.get("firstBrokenId").isNull()).isTrue();
		assertThat(result.get("checkedEvents").longValue()).isGreaterThanOrEqualTo(ids.size());
		assertThat(result.get("headHash").asString()).matches("[0-9a-f]{64}");
	}

	@Test
	void verifyNamesATamperedRowAndPassesOnceItIsRestored() throws SQLException {
		String project = project();
		long id = this.audit.append(event(project, "to be tampered with").build());
		awaitSealed(project);
		assertThat(verify().get("verified").booleanValue()).isTrue();
		try (Connection connection = superuser()) {
			tamper(connection,
					"UPDATE tollgate.audit_event SET outcome = 'ALLOWED', reason = 'nothing to see' WHERE id = " + id);
			try {
				JsonNode broken = verify();
				assertThat(broken.get("verified").booleanValue()).isFalse();
				assertThat(broken.get("firstBrokenId").longValue()).isEqualTo(id);
			}
			finally {
				tamper(connection,
						"UPDATE tollgate.audit_event SET outcome = 'DENIED', reason = 'to be tampered with' WHERE id = "
								+ id);
			}
		}
		JsonNode restored = verify();
		assertThat(restored.get("verified").booleanValue()).isTrue();
		assertThat(restored.get("firstBrokenId").isNull()).isTrue();
	}

	@Test
	void queryItemsCarryTheirSealHashAndTheHeadCanBeAnchored() {
		String project = project();
		long id = this.audit.append(event(project, "hashed").build());
		awaitSealed(project);
		JsonNode item = body(api().get("/api/v1/audit?projectKey=" + project)).get("items").get(0);
		assertThat(item.get("id").longValue()).isEqualTo(id);
		assertThat(item.get("hash").asString()).isEqualTo(sealHash(id));
		HttpResponse<String> response = api().get("/api/v1/audit/head");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode head = body(response);
		assertThat(head.get("eventId").longValue()).isGreaterThanOrEqualTo(id);
		assertThat(head.get("hash").asString()).isEqualTo(sealHash(head.get("eventId").longValue()));
		assertThat(head.get("position").longValue()).isPositive();
		assertThat(Instant.parse(head.get("sealedAt").asString())).isBefore(Instant.now().plusSeconds(1));
	}

	@Test
	void everyFilterOfTheContractApplies() {
		String project = project();
		String delivery = "delivery-" + UUID.randomUUID();
		long decision = this.audit.append(event(project, "decision").outcome("ALLOWED").deliveryId(delivery).build());
		long trigger = this.audit.append(AuditEvent.of(AuditEventType.TRIGGER_SUCCEEDED, "started")
			.outcome("SUCCEEDED")
			.issue("2", project + "-2", project, "Bug")
			.build());
		long denied = this.audit.append(event(project, "denied").outcome("DENIED").build());
		assertThat(ids("projectKey=" + project)).containsExactly(denied, trigger, decision);
		assertThat(ids("projectKey=" + project + "&deliveryId=" + delivery)).containsExactly(decision);
		assertThat(ids("deliveryId=" + delivery)).containsExactly(decision);
		assertThat(ids("issueKey=" + project + "-2")).containsExactly(trigger);
		assertThat(ids("projectKey=" + project + "&type=TRIGGER_SUCCEEDED")).containsExactly(trigger);
		assertThat(ids("projectKey=" + project + "&outcome=DENIED")).containsExactly(denied);
		Instant at = this.jdbc.sql("SELECT occurred_at FROM tollgate.audit_event WHERE id = ?")
			.param(trigger)
			.query(java.sql.Timestamp.class)
			.single()
			.toInstant();
		assertThat(ids("projectKey=" + project + "&since=" + at + "&until=" + at.plusNanos(1000))).contains(trigger)
			.doesNotContain(decision);
		assertThat(ids("projectKey=" + project + "&until=" + Instant.now().minusSeconds(3600))).isEmpty();
		assertThat(api().get("/api/v1/audit?limit=1001").statusCode()).isEqualTo(400);
		assertThat(api().get("/api/v1/audit?cursor=nope").statusCode()).isEqualTo(400);
		assertThat(body(api().get("/api/v1/audit")).get("items").size()).isLessThanOrEqualTo(AuditQuery.DEFAULT_LIMIT);
	}

	@Test
	void pagingWithInsertsInBetweenNeverDuplicatesOrSkips() {
		String project = project();
		List<Long> existing = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			existing.add(this.audit.append(event(project, "page " + i).build()));
		}
		List<Long> seen = new ArrayList<>();
		String cursor = null;
		int pages = 0;
		do {
			JsonNode page = body(api()
				.get("/api/v1/audit?limit=4&projectKey=" + project + ((cursor != null) ? "&cursor=" + cursor : "")));
			page.get("items").forEach((item) -> seen.add(item.get("id").longValue()));
			cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
			// Events appended while the auditor pages.
			this.audit.append(event(project, "inserted after page " + pages).build());
			this.audit.append(event(project, "inserted after page " + pages + ", again").build());
			pages++;
		}
		while (cursor != null);
		assertThat(pages).isEqualTo(7);
		assertThat(seen).doesNotHaveDuplicates()
			.containsExactlyElementsOf(existing.stream().sorted(java.util.Comparator.reverseOrder()).toList());
	}

	@Test
	void exportsEqualTheQueryResults() {
		String project = project();
		this.audit.append(event(project, "plain").build());
		this.audit
			.append(event(project, "comma, \"quotes\" and\r\na line break; ünïcødé ✓").actor("account,with,commas")
				.transition("In \"Review\"", "Done")
				.rule(42L, "rule, named")
				.target("deploy-prod")
				.runUrl("https://ci.example/runs/1?a=1,2")
				.dryRun(true)
				.decisionId(UUID.randomUUID())
				.details(Map.of("before", Map.of("list", List.of(1, 2.5, "x,y")), "after", "line\nbreak"))
				.build());
		this.audit.append(AuditEvent.of(AuditEventType.POLICY_CHANGED, "nulls everywhere")
			.issue(null, null, project, null)
			.build());
		awaitSealed(project);
		JsonNode items = body(api().get("/api/v1/audit?limit=1000&projectKey=" + project)).get("items");
		assertThat(items.size()).isEqualTo(3);

		HttpResponse<String> ndjson = api().get("/api/v1/audit/export?format=ndjson&projectKey=" + project);
		assertThat(ndjson.statusCode()).isEqualTo(200);
		assertThat(ndjson.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
		assertThat(ndjson.headers().firstValue("Content-Disposition"))
			.hasValueSatisfying((value) -> assertThat(value).startsWith("attachment; filename=\"tollgate-audit-")
				.endsWith(".ndjson\""));
		List<JsonNode> lines = ndjson.body().lines().map(json::readTree).toList();
		assertThat(lines).containsExactlyElementsOf(items::iterator);

		HttpResponse<String> csv = api().get("/api/v1/audit/export?format=csv&projectKey=" + project);
		assertThat(csv.statusCode()).isEqualTo(200);
		assertThat(csv.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/csv"));
		List<List<String>> records = parseCsv(csv.body());
		assertThat(records.get(0)).containsExactlyElementsOf(AuditQuery.CSV_COLUMNS);
		assertThat(records).hasSize(items.size() + 1);
		for (int r = 0; r < items.size(); r++) {
			JsonNode item = items.get(r);
			List<String> record = records.get(r + 1);
			for (int c = 0; c < AuditQuery.CSV_COLUMNS.size(); c++) {
				String column = AuditQuery.CSV_COLUMNS.get(c);
				JsonNode expected = item.get(column);
				String actual = record.get(c);
				if (expected == null || expected.isNull()) {
					assertThat(actual).as(column).isEmpty();
				}
				else if (expected.isString()) {
					assertThat(actual).as(column).isEqualTo(expected.asString());
				}
				else {
					assertThat(json.readTree(actual)).as(column).isEqualTo(expected);
				}
			}
		}

		List<JsonNode> ascending = api().get("/api/v1/audit/export?format=ndjson&order=asc&projectKey=" + project)
			.body()
			.lines()
			.map(json::readTree)
			.toList();
		assertThat(ascending).containsExactlyElementsOf(java.util.stream.IntStream.range(0, items.size())
			.mapToObj((i) -> items.get(items.size() - 1 - i))
			.toList());
		long middle = items.get(1).get("id").longValue();
		assertThat(
				api().get("/api/v1/audit/export?format=ndjson&order=asc&afterId=" + middle + "&projectKey=" + project)
					.body()
					.lines()
					.map(json::readTree)
					.toList())
			.containsExactly(items.get(0));
		HttpResponse<String> bad = api().get("/api/v1/audit/export?format=xml");
		assertThat(bad.statusCode()).isEqualTo(400);
		assertThat(bad.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void anAuditorMayExportVerifyAndReadTheHeadButNobodyElse() {
		String auditor = body(api().post("/api/v1/tokens",
				"{\"name\":\"auditor-" + UUID.randomUUID() + "\",\"scopes\":[\"auditor\"]}"))
			.get("token")
			.asString();
		String approver = body(
				api().post("/api/v1/tokens",
						"{\"name\":\"approver-" + UUID.randomUUID()
								+ "\",\"scopes\":[\"approver\"],\"accountId\":\"acc-" + UUID.randomUUID() + "\"}"))
			.get("token")
			.asString();
		for (String path : List.of("/api/v1/audit/export?format=csv&projectKey=NONE", "/api/v1/audit/verify",
				"/api/v1/audit/head")) {
			assertThat(api(auditor).get(path).statusCode()).as(path).isEqualTo(200);
			assertThat(api(approver).get(path).statusCode()).as(path).isEqualTo(403);
			assertThat(api(null).get(path).statusCode()).as(path).isEqualTo(401);
		}
	}

	private List<Long> ids(String query) {
		List<Long> ids = new ArrayList<>();
		HttpResponse<String> response = api().get("/api/v1/audit?" + query);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		body(response).get("items").forEach((item) -> ids.add(item.get("id").longValue()));
		return ids;
	}

	private JsonNode verify() {
		HttpResponse<String> response = api().get("/api/v1/audit/verify");
		assertThat(response.statusCode()).isEqualTo(200);
		return body(response);
	}

	private void awaitSealed(String project) {
		await().atMost(Duration.ofSeconds(20)).until(() -> unsealed(project) == 0);
	}

	private long unsealed(String project) {
		return this.jdbc.sql("""
				SELECT count(*) FROM tollgate.audit_event e WHERE e.project_key = ?
				AND NOT EXISTS (SELECT 1 FROM tollgate.audit_seal s WHERE s.event_id = e.id)""")
			.param(project)
			.query(Long.class)
			.single();
	}

	private String sealHash(long id) {
		return this.jdbc.sql("SELECT hash FROM tollgate.audit_seal WHERE event_id = ?")
			.param(id)
			.query(String.class)
			.single();
	}

	private static String project() {
		return "AUD" + UUID.randomUUID().toString().replace("-", "").substring(0, 8).toUpperCase(java.util.Locale.ROOT);
	}

	private static AuditEvent.Builder event(String project, String reason) {
		return AuditEvent.of(AuditEventType.DECISION, reason)
			.outcome("DENIED")
			.issue("1", project + "-1", project, "Story")
			.actor("account-1")
			.transition("In Progress", "Done");
	}

	private static Connection superuser() throws SQLException {
		TestDatabase.Connection db = TestDatabase.get();
		Properties properties = new Properties();
		properties.setProperty("user", db.username());
		properties.setProperty("password", db.password());
		return DriverManager.getConnection(db.url(), properties);
	}

	/** With every trigger off, in one transaction, as a superuser could. */
	private static void tamper(Connection connection, String sql) throws SQLException {
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET LOCAL session_replication_role = replica");
			statement.execute(sql);
		}
		connection.commit();
	}

	/**
	 * RFC 4180: fields separated by commas, records by CRLF, quoted fields may hold both.
	 */
	private static List<List<String>> parseCsv(String text) {
		List<List<String>> records = new ArrayList<>();
		List<String> record = new ArrayList<>();
		StringBuilder field = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < text.length(); i++) {
			char ch = text.charAt(i);
			if (quoted) {
				if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
					field.append('"');
					i++;
				}
				else if (ch == '"') {
					quoted = false;
				}
				else {
					field.append(ch);
				}
			}
			else if (ch == '"') {
				quoted = true;
			}
			else if (ch == ',') {
				record.add(field.toString());
				field.setLength(0);
			}
			else if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
				record.add(field.toString());
				field.setLength(0);
				records.add(record);
				record = new ArrayList<>();
				i++;
			}
			else {
				assertThat(ch).as("bare CR or LF outside quotes").isNotIn('\r', '\n');
				field.append(ch);
			}
		}
		assertThat(field).isEmpty();
		assertThat(record).isEmpty();
		return records;
	}

}
