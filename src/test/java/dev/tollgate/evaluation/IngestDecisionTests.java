package dev.tollgate.evaluation;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.RoleBinding;
import dev.tollgate.support.JiraPayloads;
import dev.tollgate.support.JiraStub;
import dev.tollgate.webhook.IngestDecisions;
import dev.tollgate.webhook.JiraEvent;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.tollgate.support.ApiClient.created;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Decisions made at ingest: what needs no Jira look-up is decided in the delivery's own
 * transaction, so its DECISION event and follow-up jobs exist as soon as the webhook is
 * answered; what needs Jira, or must wait for an earlier event of its issue, goes through
 * an {@code EVALUATE} job as before.
 */
class IngestDecisionTests extends DeliveryFlowTest {

	private static final WireMockServer jira = JiraStub.start();

	@Autowired
	private PolicySnapshots snapshots;

	@Autowired
	private IngestDecider decider;

	@Autowired
	private PlatformTransactionManager transactions;

	/** A project whose bindings are by account id only. */
	private String users;

	/** A project with a GROUP binding: its transitions need the actor's Jira groups. */
	private String groups;

	private String suffix;

	private String role;

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
		// A GROUP or PROJECT_ROLE binding for every project, left by another test, would
		// make every transition here need Jira.
		for (RoleBinding binding : this.snapshots.current().bindings()) {
			if (binding.subjectType() != RoleBinding.SubjectType.USER && binding.projectKey() == null) {
				assertThat(api().delete("/api/v1/role-bindings/" + binding.id()).statusCode()).isEqualTo(204);
			}
		}
		this.suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		this.users = JiraPayloads.projectKey('U', this.suffix);
		this.groups = JiraPayloads.projectKey('G', this.suffix);
		this.role = "deployer-" + this.suffix;
		created(api().post("/api/v1/roles", "{\"name\":\"" + this.role + "\"}"));
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"" + this.role + "\",\"subjectType\":\"USER\",\"subject\":\"acc-u-" + this.suffix + "\"}"));
		created(api().post("/api/v1/role-bindings", "{\"role\":\"" + this.role
				+ "\",\"subjectType\":\"GROUP\",\"subject\":\"deployers\",\"projectKey\":\"" + this.groups + "\"}"));
		created(api().post("/api/v1/targets", "{\"name\":\"noop-" + this.suffix + "\",\"kind\":\"NOOP\"}"));
		for (String project : List.of(this.users, this.groups)) {
			created(api().post("/api/v1/rules", """
					{"name":"deploy %1$s %2$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Deploy",
					 "allowedRoles":["%3$s"],"target":"noop-%1$s"}""".formatted(this.suffix, project, this.role)));
		}
		this.snapshots.refresh();
	}

	@Test
	void anAllowedTransitionByAnAccountIdBindingIsDecidedWithItsDelivery() {
		String issue = issueId();
		String delivery = send(issue, this.users, "acc-u-" + this.suffix, "In Progress", "Deploy");

		// Committed with the delivery: no waiting, no EVALUATE job.
		List<JsonNode> decisions = events(delivery, "DECISION");
		assertThat(decisions).hasSize(1);
		assertThat(decisions.get(0).get("outcome").asString()).isEqualTo("ALLOWED");
		assertThat(jobs(delivery, "TRIGGER")).isEqualTo(1);
		assertThat(jobs(delivery, "EVALUATE")).isZero();
		// The decision id is the one an EVALUATE job of this delivery would derive, so
		// both paths can never decide one delivery twice.
		long ruleId = decisions.get(0).get("ruleId").asLong();
		long row = this.jdbc.sql("SELECT id FROM tollgate.delivery WHERE delivery_id = ?")
			.param(delivery)
			.query(Long.class)
			.single();
		String expected = UUID
			.nameUUIDFromBytes(("evaluate:jira:" + row + "|" + ruleId).getBytes(StandardCharsets.UTF_8))
			.toString();
		assertThat(decisions.get(0).get("decisionId").asString()).isEqualTo(expected);
		assertThat(this.jdbc.sql(
				"SELECT payload->>'decisionId' FROM tollgate.job WHERE kind = 'TRIGGER' AND payload->>'deliveryId' = ?")
			.param(delivery)
			.query(String.class)
			.single()).isEqualTo(expected);
		await().atMost(Duration.ofSeconds(10)).until(() -> events(delivery, "TRIGGER_SUCCEEDED").size() == 1);
	}

	@Test
	void aGroupBoundRuleWithoutACachedAnswerGoesThroughEvaluateAndLaterOnesUseTheCache() {
		String actor = "acc-g-" + this.suffix;
		stubGroups(actor, "[{\"name\":\"deployers\",\"groupId\":\"g-" + this.suffix + "\"}]");
		String first = send(issueId(), this.groups, actor, "In Progress", "Deploy");
		assertThat(jobs(first, "EVALUATE")).isEqualTo(1);
		assertThat(decision(first).get("outcome").asString()).isEqualTo("ALLOWED");

		// Jira's answer is cached now: the next transition by the same actor needs no
		// look-up, so it is decided at ingest.
		String second = send(issueId(), this.groups, actor, "Review", "Deploy");
		assertThat(events(second, "DECISION")).singleElement()
			.satisfies((decision) -> assertThat(decision.get("outcome").asString()).isEqualTo("ALLOWED"));
		assertThat(jobs(second, "EVALUATE")).isZero();
		assertThat(jobs(second, "TRIGGER")).isEqualTo(1);
		jira.verify(1, getRequestedFor(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId",
				WireMock.equalTo(actor)));
	}

	@Test
	void anUnmatchedTransitionCostsOneDeliveryAndOneAuditRow() {
		String issue = issueId();
		String delivery = send(issue, this.users, "acc-other-" + this.suffix, "To Do", "In Progress");

		assertThat(count("SELECT count(*) FROM tollgate.delivery WHERE issue_id = ?", issue)).isEqualTo(1);
		assertThat(count("SELECT count(*) FROM tollgate.audit_event WHERE issue_id = ?", issue)).isEqualTo(1);
		assertThat(events(delivery, "DECISION").get(0).get("outcome").asString()).isEqualTo("IGNORED");
		assertThat(count("SELECT count(*) FROM tollgate.job WHERE payload->>'deliveryId' = ?", delivery)).isZero();
		assertThat(count("SELECT count(*) FROM tollgate.job WHERE ordering_key = ?", "issue:" + issue)).isZero();
	}

	@Test
	void aTransitionWaitsForAnEarlierOneOfItsIssueStillInEvaluation() {
		String issue = issueId();
		String slowActor = "acc-slow-" + this.suffix;
		// Jira cannot answer for the first actor yet: the first transition waits in its
		// EVALUATE job, retried.
		jira.stubFor(
				get(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId", WireMock.equalTo(slowActor))
					.willReturn(aResponse().withStatus(503)));
		String first = send(issue, this.groups, slowActor, "In Progress", "Deploy");
		assertThat(jobs(first, "EVALUATE")).isEqualTo(1);

		// The second would need nothing but memory (an account-id binding in a project
		// without lookup bindings), yet it must not be decided before the first.
		String second = send(issue, this.users, "acc-u-" + this.suffix, "Deploy", "Deploy");
		assertThat(jobs(second, "EVALUATE")).isEqualTo(1);
		assertThat(events(second, "DECISION")).isEmpty();

		stubGroups(slowActor, "[{\"name\":\"deployers\"}]");
		long firstEvent = decision(first).get("id").asLong();
		long secondEvent = decision(second).get("id").asLong();
		assertThat(firstEvent).isLessThan(secondEvent);
		assertThat(events(second, "DECISION")).hasSize(1);
	}

	@Test
	void onlyAnIssuesFirstEventOfABatchIsDecidedAtIngest() {
		String issue = issueId();
		String other = issueId();
		String actor = "acc-u-" + this.suffix;
		List<IngestDecisions.StoredEvent> batch = List.of(stored("batch-1-" + issue, issue, actor),
				stored("batch-2-" + issue, issue, actor), stored("batch-1-" + other, other, actor));

		Set<String> decided = new TransactionTemplate(this.transactions)
			.execute((status) -> this.decider.decide(batch));

		// The second event of the issue is evaluated after this transaction, so it sees
		// what the first one decided.
		assertThat(decided).containsExactlyInAnyOrder("evaluate:test:batch-1-" + issue,
				"evaluate:test:batch-1-" + other);
		assertThat(count("SELECT count(*) FROM tollgate.audit_event WHERE type = 'DECISION' AND issue_id = ?", issue))
			.isEqualTo(1);
	}

	private IngestDecisions.StoredEvent stored(String key, String issueId, String actor) {
		JiraEvent event = new JiraEvent(JiraEvent.Type.TRANSITION, key, Instant.now(),
				new JiraEvent.Issue(issueId, this.users + "-" + issueId, this.users, "Task"), actor,
				new JiraEvent.StatusChange("1", "In Progress", "2", "Deploy", key), null);
		return new IngestDecisions.StoredEvent("evaluate:test:" + key, "issue:" + issueId, event);
	}

	private void stubGroups(String actor, String json) {
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId", WireMock.equalTo(actor))
			.willReturn(okJson(json)));
	}

	private String send(String issueId, String project, String actor, String from, String to) {
		String delivery = UUID.randomUUID().toString();
		String changelog = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, Long.MAX_VALUE));
		HttpResponse<String> response = webhooks()
			.send(JiraPayloads.transition(issueId, changelog, project, actor, from, to), delivery);
		assertThat(response.statusCode()).isEqualTo(202);
		return delivery;
	}

	private long count(String sql, String value) {
		return this.jdbc.sql(sql).param(value).query(Long.class).single();
	}

	private static String issueId() {
		return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, Long.MAX_VALUE));
	}

}
