package dev.tollgate.approval;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import dev.tollgate.support.JiraStub;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.tollgate.support.ApiClient.created;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Approval gates end to end: quorum, separation of duties, votes from Jira and the API,
 * expiry.
 */
class ApprovalTests extends IntegrationTest {

	private static final WireMockServer jira = JiraStub.start();

	@Autowired
	private JdbcClient jdbc;

	private String suffix;

	private String project;

	private String approverRole;

	private String requester;

	@DynamicPropertySource
	static void jira(DynamicPropertyRegistry registry) {
		JiraStub.register(registry, jira);
	}

	/** Every comment any test here made Tollgate post is valid ADF. */
	@org.junit.jupiter.api.AfterEach
	void everyCommentIsValidAdf() {
		jira.findAll(postRequestedFor(urlPathMatching("/rest/api/3/issue/.*/comment")))
			.forEach((request) -> dev.tollgate.support.Adf.assertValidComment(request.getBodyAsString()));
	}

	@AfterAll
	static void stop() {
		jira.stop();
	}

	@BeforeEach
	void setUp() {
		JiraStub.acceptComments(jira);
		this.suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		this.project = JiraPayloads.projectKey('A', this.suffix);
		this.approverRole = "approver-" + this.suffix;
		this.requester = "acc-requester-" + this.suffix;
		created(api().post("/api/v1/roles", "{\"name\":\"rm-" + this.suffix + "\"}"));
		created(api().post("/api/v1/roles", "{\"name\":\"" + this.approverRole + "\"}"));
		bind("rm-" + this.suffix, "USER", this.requester);
		bind(this.approverRole, "USER", this.requester);
		for (int i = 1; i <= 10; i++) {
			bind(this.approverRole, "USER", approver(i));
		}
		bind(this.approverRole, "GROUP", "change-board-" + this.suffix);
		created(api().post("/api/v1/targets", "{\"name\":\"noop-" + this.suffix + "\",\"kind\":\"NOOP\"}"));
	}

	@ParameterizedTest(name = "quorum of {0}")
	@ValueSource(ints = { 1, 2, 3 })
	void theTriggerWaitsForTheQuorum(int required) {
		rule(required, true, null);
		Issue issue = transition();
		assertThat(decision(issue).get("outcome").asString()).isEqualTo("PENDING_APPROVAL");
		for (int i = 1; i < required; i++) {
			comment(issue, approver(i), "/approve");
			awaitVotes(issue, i);
		}
		assertThat(events(issue, "TRIGGER_SUCCEEDED")).isEmpty();
		comment(issue, approver(required), "/Approve   looks fine");
		await().atMost(Duration.ofSeconds(20)).until(() -> events(issue, "TRIGGER_SUCCEEDED").size() == 1);
		assertThat(events(issue, "APPROVAL_GRANTED")).hasSize(1);
		assertThat(request(issue).get("status").asString()).isEqualTo("GRANTED");
		assertThat(request(issue).get("votes").size()).isEqualTo(required);
	}

	@Test
	void theRequesterCannotApproveUnderSeparationOfDuties() {
		rule(1, true, null);
		Issue issue = transition();
		decision(issue);
		comment(issue, this.requester, "/approve");
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "APPROVAL_VOTED").size() == 1);
		assertThat(events(issue, "APPROVAL_VOTED").get(0).get("reason").asString()).contains("separation of duties");
		assertThat(request(issue).get("status").asString()).isEqualTo("PENDING");
		awaitComment(issue, "VOTE NOT COUNTED");
	}

	@Test
	void withoutSeparationOfDutiesTheRequesterMayApprove() {
		rule(1, false, null);
		Issue issue = transition();
		decision(issue);
		comment(issue, this.requester, "/approve");
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "TRIGGER_SUCCEEDED").size() == 1);
	}

	@Test
	void aNonApproversVoteIsIgnoredWithAnExplanation() {
		rule(1, true, null);
		Issue issue = transition();
		decision(issue);
		comment(issue, "acc-stranger-" + this.suffix, "/approve");
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "APPROVAL_VOTED").size() == 1);
		assertThat(events(issue, "APPROVAL_VOTED").get(0).get("outcome").asString()).isEqualTo("REJECTED");
		awaitComment(issue, "holds none of the approver roles");
		assertThat(request(issue).get("status").asString()).isEqualTo("PENDING");
	}

	@Test
	void aRepeatedVoteCountsOnce() {
		rule(2, true, null);
		Issue issue = transition();
		decision(issue);
		comment(issue, approver(1), "/approve");
		comment(issue, approver(1), "/approve");
		await().atMost(Duration.ofSeconds(15)).until(() -> jobsDone("VOTE", issue) == 2);
		assertThat(request(issue).get("votes").size()).isEqualTo(1);
		assertThat(request(issue).get("status").asString()).isEqualTo("PENDING");
	}

	@Test
	void concurrentVotesTriggerExactlyOnce() throws Exception {
		rule(3, true, null);
		Issue issue = transition();
		decision(issue);
		List<Callable<Integer>> votes = new ArrayList<>();
		for (int i = 1; i <= 10; i++) {
			String voter = approver(i);
			votes.add(() -> comment(issue, voter, "/approve"));
		}
		ExecutorService pool = Executors.newFixedThreadPool(10);
		try {
			for (var result : pool.invokeAll(votes)) {
				assertThat(result.get()).isEqualTo(202);
			}
		}
		finally {
			pool.shutdownNow();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> jobsDone("VOTE", issue) == 10);
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "TRIGGER_SUCCEEDED").size() == 1);
		assertThat(events(issue, "APPROVAL_GRANTED")).hasSize(1);
		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.job WHERE kind = 'TRIGGER' AND payload->>'issueId' = ?")
			.param(issue.id())
			.query(Long.class)
			.single()).isEqualTo(1);
		assertThat(request(issue).get("votes").size()).isEqualTo(3);
	}

	@Test
	void aDenyClosesTheRequest() {
		rule(2, true, null);
		Issue issue = transition();
		decision(issue);
		comment(issue, approver(1), "/approve");
		comment(issue, approver(2), "/deny not during the freeze");
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "APPROVAL_DENIED").size() == 1);
		assertThat(events(issue, "APPROVAL_DENIED").get(0).get("reason").asString()).contains("not during the freeze");
		comment(issue, approver(3), "/approve");
		await().atMost(Duration.ofSeconds(15)).until(() -> jobsDone("VOTE", issue) == 3);
		assertThat(events(issue, "TRIGGER_SUCCEEDED")).isEmpty();
		assertThat(request(issue).get("status").asString()).isEqualTo("DENIED");
	}

	@Test
	void anUnansweredRequestExpires() {
		rule(1, true, "PT2S");
		Issue issue = transition();
		decision(issue);
		await().atMost(Duration.ofSeconds(20)).until(() -> events(issue, "APPROVAL_EXPIRED").size() == 1);
		assertThat(request(issue).get("status").asString()).isEqualTo("EXPIRED");
		awaitComment(issue, "APPROVAL EXPIRED");
	}

	@Test
	void anExpiryJobQueuedByAnEarlierVersionStillExpiresItsRequest() {
		rule(1, true, "PT1H");
		Issue issue = transition();
		decision(issue);
		long id = request(issue).get("id").asLong();
		deadlinePassed(id);
		// The row as the untyped queue wrote it, a map with the request id, due now.
		this.jdbc.sql("""
				INSERT INTO tollgate.job (kind, dedup_key, payload)
				VALUES ('EXPIRE_APPROVAL', :key, jsonb_build_object('requestId', CAST(:id AS bigint)))
				""").param("key", "expire-earlier-version:" + id).param("id", id).update();

		await().atMost(Duration.ofSeconds(20)).until(() -> events(issue, "APPROVAL_EXPIRED").size() == 1);
		assertThat(request(issue).get("status").asString()).isEqualTo("EXPIRED");
	}

	@Test
	void aVoteAfterTheDeadlineDoesNotCountEvenBeforeTheExpiryJobRan() {
		rule(1, true, "PT1H");
		Issue issue = transition();
		decision(issue);
		long id = request(issue).get("id").asLong();
		// The deadline has passed, and its expiry job has not run yet (polled late, or a
		// crashed worker's lease).
		deadlinePassed(id);
		comment(issue, approver(1), "/approve");
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "APPROVAL_VOTED").size() == 1);
		assertThat(events(issue, "APPROVAL_VOTED").get(0).get("reason").asString()).contains("closed (EXPIRED)");
		await().atMost(Duration.ofSeconds(10)).until(() -> request(issue).get("status").asString().equals("EXPIRED"));
		assertThat(events(issue, "APPROVAL_GRANTED")).isEmpty();
		assertThat(events(issue, "TRIGGER_SUCCEEDED")).isEmpty();
	}

	@Test
	void aRequestWhoseIssueLeftTheGatedStatusUnnoticedIsCancelledNotGranted() {
		// Jira gave up on the webhook of the move away (or it is still on its way): the
		// request is
		// still open, but the issue is no longer where the approval would deploy it from.
		Issue issue = approvedWhileJiraReports("In Progress");
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "APPROVAL_CANCELLED").size() == 1);
		assertThat(request(issue).get("status").asString()).isEqualTo("CANCELLED");
		assertThat(events(issue, "APPROVAL_VOTED").get(0).get("reason").asString()).contains("has left");
		assertThat(events(issue, "APPROVAL_GRANTED")).isEmpty();
		assertThat(events(issue, "TRIGGER_SUCCEEDED")).isEmpty();
	}

	@Test
	void aRequestWhoseIssueIsStillInTheGatedStatusIsGranted() {
		Issue issue = approvedWhileJiraReports("ready for production");
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "TRIGGER_SUCCEEDED").size() == 1);
		assertThat(request(issue).get("status").asString()).isEqualTo("GRANTED");
	}

	/**
	 * A gated transition, approved by an approver while Jira reports the issue in
	 * {@code status}.
	 */
	private Issue approvedWhileJiraReports(String status) {
		rule(1, true, null);
		Issue issue = transition();
		decision(issue);
		JiraStub.issueIn(jira, issue.key(), status);
		comment(issue, approver(1), "/approve");
		return issue;
	}

	@Test
	void leavingTheGatedStatusCancelsTheRequest() {
		rule(1, true, null);
		Issue issue = transition();
		decision(issue);
		String delivery = UUID.randomUUID().toString();
		webhooks().send(JiraPayloads.transition(issue.id(), issue.id() + "7", this.project, this.requester,
				"Ready for Production", "In Progress"), delivery);
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "APPROVAL_CANCELLED").size() == 1);
		assertThat(request(issue).get("status").asString()).isEqualTo("CANCELLED");
	}

	@Test
	void approversMayVoteThroughTheApiButAuditorsMayNot() {
		rule(1, true, null);
		Issue issue = transition();
		decision(issue);
		long id = request(issue).get("id").asLong();
		String auditor = token("auditor", null);
		assertThat(api(auditor).post("/api/v1/approvals/" + id + "/approve", "{}").statusCode()).isEqualTo(403);
		String approver = token("approver", approver(5));
		assertThat(api(approver).get("/api/v1/approvals?status=PENDING").statusCode()).isEqualTo(200);
		assertThat(api(approver).post("/api/v1/approvals/999999999/approve", "{}").statusCode()).isEqualTo(404);
		HttpResponse<String> vote = api(approver).post("/api/v1/approvals/" + id + "/approve", "{\"reason\":\"ok\"}");
		assertThat(vote.statusCode()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "TRIGGER_SUCCEEDED").size() == 1);
		assertThat(request(issue).get("votes").get(0).get("source").asString()).isEqualTo("API");
	}

	@Test
	void anApiVoteRefusedForWantOfTheRoleCanBeCastAgainOnceTheRoleIsBound() {
		rule(1, true, null);
		String voter = "acc-late-" + this.suffix;
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId", WireMock.equalTo(voter))
			.willReturn(okJson("[]")));
		Issue issue = transition();
		decision(issue);
		long id = request(issue).get("id").asLong();
		String token = token("approver", voter);
		assertThat(api(token).post("/api/v1/approvals/" + id + "/approve", "{}").statusCode()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "APPROVAL_VOTED").size() == 1);
		assertThat(events(issue, "APPROVAL_VOTED").get(0).get("reason").asString()).contains("holds none");

		bind(this.approverRole, "USER", voter);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> body(api().post("/api/v1/policy/explain", """
					{"projectKey":"%s","toStatus":"Done","actorAccountId":"%s"}""".formatted(this.project, voter)))
				.get("actorRoles")
				.toString()
				.contains(this.approverRole));
		assertThat(api(token).post("/api/v1/approvals/" + id + "/approve", "{}").statusCode()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "TRIGGER_SUCCEEDED").size() == 1);
		assertThat(request(issue).get("votes").size()).isEqualTo(1);
		// Once counted, or once the request is closed, a vote changes nothing: said at
		// once, not queued.
		HttpResponse<String> again = api(token).post("/api/v1/approvals/" + id + "/approve", "{}");
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(again.body()).contains("already closed");
		assertThat(events(issue, "APPROVAL_VOTED")).hasSize(1);
	}

	@Test
	void aSecondApiVoteByTheSameApproverIsANoOp() {
		rule(2, true, null);
		Issue issue = transition();
		decision(issue);
		long id = request(issue).get("id").asLong();
		String token = token("approver", approver(6));
		assertThat(api(token).post("/api/v1/approvals/" + id + "/approve", "{}").statusCode()).isEqualTo(202);
		awaitVotes(issue, 1);
		HttpResponse<String> again = api(token).post("/api/v1/approvals/" + id + "/deny",
				"{\"reason\":\"changed my mind\"}");
		assertThat(again.statusCode()).isEqualTo(202);
		assertThat(body(again).get("status").asString()).isEqualTo("ALREADY_VOTED");
		assertThat(request(issue).get("status").asString()).isEqualTo("PENDING");
		assertThat(request(issue).get("votes").size()).isEqualTo(1);
	}

	@Test
	void anApproverMayHoldTheRoleThroughAJiraGroup() {
		rule(1, true, null);
		String voter = "acc-board-" + this.suffix;
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/user/groups")).withQueryParam("accountId", WireMock.equalTo(voter))
			.willReturn(okJson("[{\"name\":\"change-board-" + this.suffix + "\"}]")));
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/user/groups"))
			.withQueryParam("accountId", WireMock.equalTo(this.requester))
			.willReturn(okJson("[]")));
		Issue issue = transition();
		decision(issue);
		comment(issue, voter, "/approve");
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue, "TRIGGER_SUCCEEDED").size() == 1);
	}

	record Issue(String id, String key, String delivery) {
	}

	private static String approver(int i) {
		return "acc-approver-" + i;
	}

	private void rule(int required, boolean separationOfDuties, String expiresAfter) {
		created(api().post("/api/v1/rules",
				"""
						{"name":"gated %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Ready for Production",
						 "allowedRoles":["rm-%1$s"],"target":"noop-%1$s",
						 "approval":{"required":%3$d,"approverRoles":["%4$s"],"separationOfDuties":%5$s%6$s}}"""
					.formatted(this.suffix, this.project, required, this.approverRole, separationOfDuties,
							(expiresAfter != null) ? ",\"expiresAfter\":\"" + expiresAfter + "\"" : "")));
	}

	private Issue transition() {
		String id = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, 9_000_000_000L));
		String delivery = UUID.randomUUID().toString();
		assertThat(webhooks()
			.send(JiraPayloads.transition(id, id, this.project, this.requester, "In Progress", "Ready for Production"),
					delivery)
			.statusCode()).isEqualTo(202);
		return new Issue(id, this.project + "-" + id, delivery);
	}

	private int comment(Issue issue, String author, String text) {
		String commentId = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, Long.MAX_VALUE));
		return webhooks()
			.send(JiraPayloads.comment(issue.id(), this.project, commentId, author, text), UUID.randomUUID().toString())
			.statusCode();
	}

	private JsonNode decision(Issue issue) {
		await().atMost(Duration.ofSeconds(20)).until(() -> !events(issue, "DECISION").isEmpty());
		await().atMost(Duration.ofSeconds(10)).until(() -> !events(issue, "APPROVAL_REQUESTED").isEmpty());
		return events(issue, "DECISION").get(0);
	}

	private List<JsonNode> events(Issue issue, String type) {
		return body(api().get("/api/v1/audit?issueKey=" + issue.key() + "&type=" + type)).get("items")
			.valueStream()
			.toList();
	}

	private JsonNode request(Issue issue) {
		return body(api().get("/api/v1/approvals?limit=500")).get("items")
			.valueStream()
			.filter((request) -> request.get("issueKey").asString().equals(issue.key()))
			.findFirst()
			.orElseThrow();
	}

	/** Moves a request's deadline into the past, as if its time had run out. */
	private void deadlinePassed(long requestId) {
		this.jdbc.sql("UPDATE tollgate.approval_request SET expires_at = now() - interval '1 minute' WHERE id = ?")
			.param(requestId)
			.update();
	}

	private void awaitVotes(Issue issue, int count) {
		await().atMost(Duration.ofSeconds(15)).until(() -> request(issue).get("votes").size() == count);
	}

	private long jobsDone(String kind, Issue issue) {
		return this.jdbc.sql("""
				SELECT count(*) FROM tollgate.job WHERE kind = ? AND status = 'SUCCEEDED' AND payload->>'issueId' = ?
				""").params(kind, issue.id()).query(Long.class).single();
	}

	private void awaitComment(Issue issue, String text) {
		await().atMost(Duration.ofSeconds(15))
			.until(() -> jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + issue.key() + "/comment")))
				.stream()
				.anyMatch((request) -> request.getBodyAsString().contains(text)));
	}

	private void bind(String role, String type, String subject) {
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"" + role + "\",\"subjectType\":\"" + type + "\",\"subject\":\"" + subject + "\"}"));
	}

	private String token(String scope, String accountId) {
		HttpResponse<String> created = api().post("/api/v1/tokens",
				"{\"name\":\"" + scope + "-" + UUID.randomUUID() + "\",\"scopes\":[\"" + scope + "\"]"
						+ ((accountId != null) ? ",\"accountId\":\"" + accountId + "\"" : "") + "}");
		assertThat(created.statusCode()).isEqualTo(201);
		return body(created).get("token").asString();
	}

}
