package dev.tollgate.evaluation;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.JiraStub;
import dev.tollgate.support.JiraPayloads;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.tollgate.support.ApiClient.created;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A transition sent as a signed webhook ends as the right decision in
 * {@code /api/v1/audit}, with actor roles resolved through a WireMock Jira that fails the
 * way Jira does.
 */
class DecisionFlowTests extends DeliveryFlowTest {

	private static final WireMockServer jira = JiraStub.start();

	private String project;

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
		String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		this.project = JiraPayloads.projectKey('P', suffix);
		this.role = "release-manager-" + suffix;
		created(api().post("/api/v1/roles", "{\"name\":\"" + this.role + "\"}"));
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"" + this.role + "\",\"subjectType\":\"USER\",\"subject\":\"acc-rm-" + suffix + "\"}"));
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"" + this.role
						+ "\",\"subjectType\":\"GROUP\",\"subject\":\"Release-Managers\",\"projectKey\":\""
						+ this.project + "\"}"));
		created(api().post("/api/v1/targets", "{\"name\":\"noop-" + suffix + "\",\"kind\":\"NOOP\"}"));
		created(api().post("/api/v1/rules", """
				{"name":"prod deploy %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Ready for Production",
				 "allowedRoles":["%3$s"],"target":"noop-%1$s"}""".formatted(suffix, this.project, this.role)));
		created(api().post("/api/v1/rules", """
				{"name":"shadow %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Shadowed",
				 "allowedRoles":["%3$s"],"target":"noop-%1$s","mode":"DRY_RUN"}""".formatted(suffix, this.project,
				this.role)));
		this.actorSuffix = suffix;
	}

	private String actorSuffix;

	@Test
	void aReleaseManagerIsAllowedAndTheTargetTriggered() {
		String delivery = send("acc-rm-" + this.actorSuffix, "In Progress", "Ready for Production");
		JsonNode decision = decision(delivery);
		assertThat(decision.get("outcome").asString()).isEqualTo("ALLOWED");
		assertThat(decision.get("ruleName").asString()).startsWith("prod deploy");
		assertThat(decision.get("issueKey").asString()).startsWith(this.project + "-");
		assertThat(decision.get("fromStatus").asString()).isEqualTo("In Progress");
		assertThat(decision.get("reason").asString()).contains(this.role);
		await().atMost(Duration.ofSeconds(10)).until(() -> events(delivery, "TRIGGER_SUCCEEDED").size() == 1);
		assertThat(events(delivery, "TRIGGER_SUCCEEDED").get(0).get("decisionId").asString())
			.isEqualTo(decision.get("decisionId").asString());
	}

	@Test
	void anyoneElseIsDeniedWithAReasonNamingTheRole() {
		stubGroups("acc-dev", "[{\"name\":\"developers\",\"groupId\":\"g-1\"}]");
		String delivery = send("acc-dev", "In Progress", "Ready for Production");
		JsonNode decision = decision(delivery);
		assertThat(decision.get("outcome").asString()).isEqualTo("DENIED");
		assertThat(decision.get("reason").asString()).contains("acc-dev")
			.contains("lacks role " + this.role)
			.contains(this.project + ": In Progress → Ready for Production");
		assertThat(jobs(delivery, "TRIGGER")).isZero();
	}

	@Test
	void aTransitionNoRuleCoversIsIgnored() {
		String delivery = send("acc-dev-2", "To Do", "In Progress");
		JsonNode decision = decision(delivery);
		assertThat(decision.get("outcome").asString()).isEqualTo("IGNORED");
		assertThat(decision.get("ruleId").isNull()).isTrue();
		// Nothing matched, so Jira was not even asked who the actor is.
		jira.verify(0, getRequestedFor(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId",
				WireMock.equalTo("acc-dev-2")));
	}

	@Test
	void aDryRunRuleRecordsButTriggersNothing() {
		String delivery = send("acc-rm-" + this.actorSuffix, "In Progress", "Shadowed");
		JsonNode decision = decision(delivery);
		assertThat(decision.get("outcome").asString()).isEqualTo("ALLOWED");
		assertThat(decision.get("dryRun").asBoolean()).isTrue();
		assertThat(decision.get("reason").asString()).startsWith("Dry run:");
		assertThat(jobs(delivery, "TRIGGER")).isZero();
	}

	@Test
	void groupMembershipFromJiraGrantsTheRoleAndIsCached() {
		String actor = "acc-group-" + this.actorSuffix;
		stubGroups(actor, "[{\"name\":\"release-managers\",\"groupId\":\"g-2\"}]");
		String first = send(actor, "In Progress", "Ready for Production");
		String second = send(actor, "Review", "Ready for Production");
		assertThat(decision(first).get("outcome").asString()).isEqualTo("ALLOWED");
		assertThat(decision(second).get("outcome").asString()).isEqualTo("ALLOWED");
		jira.verify(1,
				getRequestedFor(urlPathEqualTo("/rest/api/3/user/groups"))
					.withQueryParam("accountId", WireMock.equalTo(actor))
					.withHeader("Authorization", WireMock.matching("Basic .+")));
	}

	@Test
	void aGroupBoundByItsGroupIdStillGrantsTheRoleAfterARename() {
		String groupId = "5c0e3b0a-" + this.actorSuffix;
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"" + this.role + "\",\"subjectType\":\"GROUP\",\"subject\":\"" + groupId
						+ "\",\"projectKey\":\"" + this.project + "\"}"));
		String actor = "acc-renamed-" + this.actorSuffix;
		// As Jira answers /user/groups: the group now has another name, the same id.
		stubGroups(actor, "[{\"name\":\"release-train-leads\",\"groupId\":\"" + groupId
				+ "\",\"self\":\"https://acme.atlassian.net/rest/api/3/group?groupId=" + groupId + "\"}]");
		String delivery = send(actor, "In Progress", "Ready for Production");
		assertThat(decision(delivery).get("outcome").asString()).isEqualTo("ALLOWED");
	}

	@Test
	void aRateLimitedJiraDelaysTheDecisionButNeverDeniesIt() {
		String actor = "acc-429-" + this.actorSuffix;
		failThenAnswer(actor, aResponse().withStatus(429).withHeader("Retry-After", "1"));
		String delivery = send(actor, "In Progress", "Ready for Production");
		JsonNode decision = decision(delivery);
		assertThat(decision.get("outcome").asString()).isEqualTo("ALLOWED");
		assertThat(events(delivery, "DECISION")).hasSize(1);
		assertThat(attempts(delivery)).isEqualTo(2);
	}

	@Test
	void aJiraServerErrorIsRetried() {
		String actor = "acc-500-" + this.actorSuffix;
		failThenAnswer(actor, aResponse().withStatus(500));
		String delivery = send(actor, "In Progress", "Ready for Production");
		assertThat(decision(delivery).get("outcome").asString()).isEqualTo("ALLOWED");
		assertThat(attempts(delivery)).isEqualTo(2);
	}

	@Test
	void aJiraTimeoutIsRetried() {
		String actor = "acc-slow-" + this.actorSuffix;
		failThenAnswer(actor, okJson("[{\"name\":\"release-managers\"}]").withFixedDelay(2000));
		String delivery = send(actor, "In Progress", "Ready for Production");
		assertThat(decision(delivery).get("outcome").asString()).isEqualTo("ALLOWED");
		assertThat(attempts(delivery)).isGreaterThanOrEqualTo(2);
	}

	private void failThenAnswer(String actor,
			com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder failure) {
		String scenario = "groups-" + actor;
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId", WireMock.equalTo(actor))
			.inScenario(scenario)
			.whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
			.willReturn(failure)
			.willSetStateTo("recovered"));
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId", WireMock.equalTo(actor))
			.inScenario(scenario)
			.whenScenarioStateIs("recovered")
			.willReturn(okJson("[{\"name\":\"release-managers\",\"groupId\":\"g-2\"}]")));
	}

	private void stubGroups(String actor, String json) {
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId", WireMock.equalTo(actor))
			.willReturn(okJson(json)));
	}

	private String send(String actor, String from, String to) {
		String delivery = UUID.randomUUID().toString();
		String id = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, Long.MAX_VALUE));
		HttpResponse<String> response = webhooks().send(JiraPayloads.transition(id, id, this.project, actor, from, to),
				delivery);
		assertThat(response.statusCode()).isEqualTo(202);
		return delivery;
	}

}
