package dev.tollgate.evaluation;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import dev.tollgate.support.JiraStub;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Decisions made at ingest (ADR 0034), driven over HTTP: a transition whose decision
 * needs nothing from Jira is decided in the transaction that stores it (no
 * {@code EVALUATE} job) and recorded exactly as its job would have recorded it; one that
 * needs Jira, or whose issue still has an evaluation pending, goes through the job.
 */
class IngestDecisionTests extends IntegrationTest {

	private static final WireMockServer jira = JiraStub.start();

	@Autowired
	private JdbcClient jdbc;

	private String project;

	private String role;

	private String suffix;

	@DynamicPropertySource
	static void jira(DynamicPropertyRegistry registry) {
		JiraStub.register(registry, jira);
	}

	@AfterAll
	static void stopJira() {
		jira.stop();
	}

	@BeforeEach
	void policy() {
		JiraStub.acceptComments(jira);
		// Bindings by project role that other test classes leave in the shared database
		// make every evaluation ask for project roles: nobody holds any.
		jira.stubFor(get(urlPathMatching("/rest/api/3/project/[^/]+/role")).willReturn(okJson("{}")));
		this.suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		this.project = JiraPayloads.projectKey('I', this.suffix);
		this.role = "ingest-deployer-" + this.suffix;
		created(api().post("/api/v1/roles", "{\"name\":\"" + this.role + "\"}"));
		created(api().post("/api/v1/role-bindings", "{\"role\":\"" + this.role
				+ "\",\"subjectType\":\"USER\",\"subject\":\"acc-dep-" + this.suffix + "\"}"));
		// A group binding in the project: the actor's groups must be known, from Jira or
		// from the cache.
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"" + this.role + "\",\"subjectType\":\"GROUP\",\"subject\":\"ingest-group-" + this.suffix
						+ "\",\"projectKey\":\"" + this.project + "\"}"));
		created(api().post("/api/v1/targets", "{\"name\":\"noop-" + this.suffix + "\",\"kind\":\"NOOP\"}"));
		created(api().post("/api/v1/rules", """
				{"name":"ingest deploy %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Ready for Deploy",
				 "allowedRoles":["%3$s"],"target":"noop-%1$s"}""".formatted(this.suffix, this.project, this.role)));
	}

	@Test
	void aTransitionThatMustAskJiraGoesThroughItsEvaluateJob() {
		String actor = "acc-dep-" + this.suffix;
		stubGroups(actor, "[]");
		String delivery = send(newIssue(), actor, "In Progress", "Ready for Deploy");

		assertThat(jobs(delivery, "EVALUATE")).isEqualTo(1);
		assertThat(decision(delivery).get("outcome").asString()).isEqualTo("ALLOWED");
		jira.verify(1, getRequestedFor(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId",
				WireMock.equalTo(actor)));
	}

	@Test
	void aDecisionFromCachedAnswersIsMadeAtIngestAndRecordedAsItsJobWouldHave() {
		String actor = "acc-dep-" + this.suffix;
		stubGroups(actor, "[]");
		String viaJob = send(newIssue(), actor, "In Progress", "Ready for Deploy");
		JsonNode before = decision(viaJob);
		await().atMost(Duration.ofSeconds(20)).until(() -> events(viaJob, "TRIGGER_SUCCEEDED").size() == 1);

		// Jira's answer about the actor's groups is cached now: nothing to ask.
		int asked = groupRequests(actor);
		String atIngest = send(newIssue(), actor, "In Progress", "Ready for Deploy");

		assertThat(jobs(atIngest, "EVALUATE")).isZero();
		// Committed with the delivery, before the 202: no waiting.
		List<JsonNode> decisions = events(atIngest, "DECISION");
		assertThat(decisions).hasSize(1);
		JsonNode after = decisions.get(0);
		for (String field : List.of("type", "outcome", "reason", "projectKey", "issueType", "actorAccountId",
				"fromStatus", "toStatus", "ruleId", "ruleName", "target", "dryRun")) {
			assertThat(after.get(field)).as(field).isEqualTo(before.get(field));
		}
		assertThat(after.get("details").get("actorRoles")).isEqualTo(before.get("details").get("actorRoles"));
		assertThat(after.get("details").get("policyVersion").isNumber()).isTrue();
		// Both ids derive from the stored delivery the same way.
		assertThat(before.get("decisionId").asString()).isEqualTo(decisionId(viaJob, before.get("ruleId").asLong()));
		assertThat(after.get("decisionId").asString()).isEqualTo(decisionId(atIngest, after.get("ruleId").asLong()));
		assertThat(jobs(atIngest, "TRIGGER")).isEqualTo(1);
		await().atMost(Duration.ofSeconds(20)).until(() -> events(atIngest, "TRIGGER_SUCCEEDED").size() == 1);
		assertThat(events(atIngest, "TRIGGER_SUCCEEDED").get(0).get("decisionId").asString())
			.isEqualTo(after.get("decisionId").asString());
		assertThat(groupRequests(actor)).isEqualTo(asked);
	}

	private static int groupRequests(String actor) {
		return jira
			.findAll(getRequestedFor(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId",
					WireMock.equalTo(actor)))
			.size();
	}

	@Test
	void anUnmatchedTransitionCostsOneDeliveryRowAndOneAuditRow() {
		String delivery = send(newIssue(), "acc-anyone-" + this.suffix, "To Do", "Nowhere " + this.suffix);

		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.job WHERE payload->>'deliveryId' = ?")
			.param(delivery)
			.query(Long.class)
			.single()).isZero();
		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.audit_event WHERE delivery_id = ?")
			.param(delivery)
			.query(Long.class)
			.single()).isEqualTo(1);
		JsonNode decision = events(delivery, "DECISION").get(0);
		assertThat(decision.get("outcome").asString()).isEqualTo("IGNORED");
		assertThat(decision.get("ruleId").isNull()).isTrue();
		assertThat(decision.get("decisionId").asString()).isEqualTo(decisionId(delivery, null));
	}

	@Test
	void aTransitionOfAnIssueWithAnEvaluationPendingWaitsForIt() {
		String slow = "acc-slow-" + this.suffix;
		// Jira keeps rate limiting until the test lets it answer: the first transition's
		// evaluation stays pending for as long as the test needs.
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId", WireMock.equalTo(slow))
			.willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
		String issue = newIssue();
		String first = send(issue, slow, "In Progress", "Ready for Deploy");
		// Needs nothing from Jira on its own: decided at ingest, were it not for the
		// first.
		String second = send(issue, "acc-anyone-" + this.suffix, "Ready for Deploy", "Nowhere " + this.suffix);

		assertThat(jobs(first, "EVALUATE")).isEqualTo(1);
		assertThat(jobs(second, "EVALUATE")).isEqualTo(1);
		assertThat(events(second, "DECISION")).isEmpty();

		stubGroups(slow, "[]");
		long firstId = decisionEventId(first);
		long secondId = decisionEventId(second);
		assertThat(secondId).isGreaterThan(firstId);
	}

	private void stubGroups(String actor, String json) {
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId", WireMock.equalTo(actor))
			.willReturn(okJson(json)));
	}

	private static String newIssue() {
		return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, Long.MAX_VALUE));
	}

	private String send(String issueId, String actor, String from, String to) {
		String delivery = UUID.randomUUID().toString();
		String changelog = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, Long.MAX_VALUE));
		HttpResponse<String> response = webhooks()
			.send(JiraPayloads.transition(issueId, changelog, this.project, actor, from, to), delivery);
		assertThat(response.statusCode()).isEqualTo(202);
		return delivery;
	}

	/**
	 * The id a decision of this delivery has, by either path: from its stored row and the
	 * rule, like the {@code EVALUATE} job's dedup key.
	 */
	private String decisionId(String delivery, Long ruleId) {
		String key = this.jdbc
			.sql("SELECT 'evaluate:' || source || ':' || id FROM tollgate.delivery WHERE delivery_id = ?")
			.param(delivery)
			.query(String.class)
			.single() + "|" + ((ruleId != null) ? ruleId : "none");
		return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
	}

	private JsonNode decision(String delivery) {
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> !events(delivery, "DECISION").isEmpty());
		return events(delivery, "DECISION").get(0);
	}

	private long decisionEventId(String delivery) {
		decision(delivery);
		return this.jdbc.sql("SELECT id FROM tollgate.audit_event WHERE delivery_id = ? AND type = 'DECISION'")
			.param(delivery)
			.query(Long.class)
			.single();
	}

	private List<JsonNode> events(String delivery, String type) {
		HttpResponse<String> response = api().get("/api/v1/audit?deliveryId=" + delivery + "&type=" + type);
		assertThat(response.statusCode()).isEqualTo(200);
		return body(response).get("items").valueStream().toList();
	}

	private long jobs(String delivery, String kind) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.job WHERE kind = ? AND payload->>'deliveryId' = ?")
			.params(kind, delivery)
			.query(Long.class)
			.single();
	}

	private static void created(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
	}

}
