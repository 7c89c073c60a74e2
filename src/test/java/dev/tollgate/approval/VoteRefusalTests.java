package dev.tollgate.approval;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
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

import static dev.tollgate.support.ApiClient.created;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A vote that cannot count is refused at once over HTTP (403 problem+json with the
 * reason), not queued; a refusal is audited and commented once per voter and request,
 * from the API and from Jira comments alike; and each token has a bounded number of votes
 * per minute (429 with Retry-After). The project binds its approver role to accounts
 * only, so eligibility is known without Jira.
 */
class VoteRefusalTests extends IntegrationTest {

	/** tollgate.votes.per-token-per-minute's default. */
	private static final int LIMIT = 20;

	private static final WireMockServer jira = JiraStub.start();

	@Autowired
	private JdbcClient jdbc;

	private String suffix;

	private String project;

	private String requester;

	@DynamicPropertySource
	static void jira(DynamicPropertyRegistry registry) {
		JiraStub.register(registry, jira);
	}

	@AfterAll
	static void stop() {
		jira.stop();
	}

	@BeforeEach
	void setUp() {
		JiraStub.acceptComments(jira);
		this.suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		this.project = JiraPayloads.projectKey('V', this.suffix);
		this.requester = "acc-requester-" + this.suffix;
		created(api().post("/api/v1/roles", "{\"name\":\"dev-" + this.suffix + "\"}"));
		created(api().post("/api/v1/roles", "{\"name\":\"rm-" + this.suffix + "\"}"));
		bind("dev-" + this.suffix, this.requester);
		bind("rm-" + this.suffix, this.requester);
		bind("rm-" + this.suffix, approver());
		created(api().post("/api/v1/targets", "{\"name\":\"noop-" + this.suffix + "\",\"kind\":\"NOOP\"}"));
		created(api().post("/api/v1/rules", """
				{"name":"gated %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Ready for Production",
				 "allowedRoles":["dev-%1$s"],"target":"noop-%1$s",
				 "approval":{"required":1,"approverRoles":["rm-%1$s"],"separationOfDuties":true}}"""
			.formatted(this.suffix, this.project)));
	}

	@Test
	void theRequestersVotesAreRefusedAtOnceExplainedOnceAndBoundedPerMinute() {
		String issue = transition();
		long id = requestId(issue);
		String token = token(this.requester);
		for (int i = 1; i <= LIMIT; i++) {
			HttpResponse<String> vote = api(token).post("/api/v1/approvals/" + id + "/approve", "{}");
			assertThat(vote.statusCode()).as(vote.body()).isEqualTo(403);
			assertThat(vote.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(body(vote).get("type").asString()).endsWith("/vote-not-counted");
			assertThat(body(vote).get("detail").asString()).contains("separation of duties");
		}
		HttpResponse<String> limited = api(token).post("/api/v1/approvals/" + id + "/approve", "{}");
		assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
		assertThat(body(limited).get("type").asString()).endsWith("/too-many-votes");
		assertThat(limited.headers().firstValue("Retry-After").map(Long::parseLong))
			.hasValueSatisfying((seconds) -> assertThat(seconds).isBetween(1L, 60L));

		assertThat(voteJobs(id)).as("nothing queued for a vote that cannot count").isZero();
		awaitRefusalComment(issue);
		assertThat(refused(issue)).hasSize(1);
		assertThat(refusalComments(issue)).isEqualTo(1);

		// The limit is per token: the approver's own token still votes, and counts.
		HttpResponse<String> counted = api(token(approver())).post("/api/v1/approvals/" + id + "/approve", "{}");
		assertThat(counted.statusCode()).as(counted.body()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(15)).until(() -> !events(issue, "APPROVAL_GRANTED").isEmpty());
	}

	@Test
	void aVoterWithoutAnApproverRoleIsRefusedAtOnceWithTheReason() {
		String issue = transition();
		long id = requestId(issue);
		String token = token("acc-stranger-" + this.suffix);
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> vote = api(token).post("/api/v1/approvals/" + id + "/deny", "{\"reason\":\"no\"}");
			assertThat(vote.statusCode()).as(vote.body()).isEqualTo(403);
			assertThat(body(vote).get("detail").asString()).contains("holds none of the approver roles");
		}
		assertThat(voteJobs(id)).isZero();
		awaitRefusalComment(issue);
		assertThat(refused(issue)).hasSize(1);
		assertThat(refusalComments(issue)).isEqualTo(1);
	}

	@Test
	void repeatedApproveCommentsByTheRequesterAreRefusedOnce() {
		String issue = transition();
		long id = requestId(issue);
		for (int i = 0; i < 5; i++) {
			String commentId = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, Long.MAX_VALUE));
			assertThat(webhooks()
				.send(JiraPayloads.comment(issueId(issue), this.project, commentId, this.requester, "/approve"),
						UUID.randomUUID().toString())
				.statusCode()).isEqualTo(202);
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> voteJobsDone(issueId(issue)) == 5);
		awaitRefusalComment(issue);
		assertThat(refused(issue)).hasSize(1);
		assertThat(refused(issue).get(0).get("reason").asString()).contains("separation of duties");
		assertThat(refusalComments(issue)).isEqualTo(1);
		assertThat(body(api().get("/api/v1/approvals?limit=500")).get("items")
			.valueStream()
			.filter((request) -> request.get("id").asLong() == id)
			.findFirst()
			.orElseThrow()
			.get("status")
			.asString()).isEqualTo("PENDING");
	}

	private String approver() {
		return "acc-approver-" + this.suffix;
	}

	/** Moves a new issue into the gated status; returns its key. */
	private String transition() {
		String id = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, 9_000_000_000L));
		assertThat(webhooks()
			.send(JiraPayloads.transition(id, id, this.project, this.requester, "In Progress", "Ready for Production"),
					UUID.randomUUID().toString())
			.statusCode()).isEqualTo(202);
		String key = this.project + "-" + id;
		await().atMost(Duration.ofSeconds(20)).until(() -> !events(key, "APPROVAL_REQUESTED").isEmpty());
		return key;
	}

	private static String issueId(String key) {
		return key.substring(key.indexOf('-') + 1);
	}

	private long requestId(String key) {
		return body(api().get("/api/v1/approvals?limit=500")).get("items")
			.valueStream()
			.filter((request) -> request.get("issueKey").asString().equals(key))
			.findFirst()
			.orElseThrow()
			.get("id")
			.asLong();
	}

	private List<JsonNode> events(String key, String type) {
		return body(api().get("/api/v1/audit?issueKey=" + key + "&type=" + type)).get("items").valueStream().toList();
	}

	private List<JsonNode> refused(String key) {
		return events(key, "APPROVAL_VOTED").stream()
			.filter((event) -> event.get("outcome").asString().equals("REJECTED"))
			.toList();
	}

	private long voteJobs(long requestId) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.job WHERE kind = 'VOTE' AND payload->>'requestId' = ?")
			.param(Long.toString(requestId))
			.query(Long.class)
			.single();
	}

	private long voteJobsDone(String issueId) {
		return this.jdbc
			.sql("""
					SELECT count(*) FROM tollgate.job WHERE kind = 'VOTE' AND status = 'SUCCEEDED' AND payload->>'issueId' = ?
					""")
			.param(issueId)
			.query(Long.class)
			.single();
	}

	private void awaitRefusalComment(String key) {
		await().atMost(Duration.ofSeconds(15)).until(() -> refusalComments(key) >= 1);
		// Let any further comment job that was (wrongly) queued run before counting.
		await().atMost(Duration.ofSeconds(15)).until(() -> this.jdbc.sql("""
				SELECT count(*) FROM tollgate.job WHERE kind = 'COMMENT' AND status NOT IN ('SUCCEEDED', 'DEAD')
				AND payload::text LIKE ?""").param("%" + key + "%").query(Long.class).single() == 0);
	}

	private long refusalComments(String key) {
		return jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")))
			.stream()
			.filter((request) -> request.getBodyAsString().contains("VOTE NOT COUNTED"))
			.count();
	}

	private void bind(String role, String accountId) {
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"" + role + "\",\"subjectType\":\"USER\",\"subject\":\"" + accountId + "\"}"));
	}

	private String token(String accountId) {
		HttpResponse<String> created = api().post("/api/v1/tokens", "{\"name\":\"approver-" + UUID.randomUUID()
				+ "\",\"scopes\":[\"approver\"],\"accountId\":\"" + accountId + "\"}");
		assertThat(created.statusCode()).isEqualTo(201);
		return body(created).get("token").asString();
	}

}
