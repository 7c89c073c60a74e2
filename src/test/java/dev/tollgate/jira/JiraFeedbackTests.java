package dev.tollgate.jira;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import dev.tollgate.support.JiraStub;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.tollgate.support.ApiClient.created;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
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
 * What the people in Jira see: comments in ADF, exactly once, and reverts of denied
 * transitions.
 */
class JiraFeedbackTests extends IntegrationTest {

	private static final WireMockServer jira = JiraStub.start();

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private JdbcClient jdbc;

	private String suffix;

	private String project;

	private String role;

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
	void policy() {
		this.suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		this.project = JiraPayloads.projectKey('F', this.suffix);
		this.role = "releaser-" + this.suffix;
		created(api().post("/api/v1/roles", "{\"name\":\"" + this.role + "\"}"));
		created(api().post("/api/v1/role-bindings", "{\"role\":\"" + this.role
				+ "\",\"subjectType\":\"USER\",\"subject\":\"acc-ok-" + this.suffix + "\"}"));
		created(api().post("/api/v1/targets", "{\"name\":\"noop-" + this.suffix + "\",\"kind\":\"NOOP\"}"));
		created(api().post("/api/v1/rules", """
				{"name":"ship %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Shipped",
				 "allowedRoles":["%3$s"],"target":"noop-%1$s"}""".formatted(this.suffix, this.project, this.role)));
		created(api().post("/api/v1/rules", """
				{"name":"guard %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Guarded",
				 "allowedRoles":["%3$s"],"revertOnDeny":true}""".formatted(this.suffix, this.project, this.role)));
	}

	@Test
	void aDenialIsCommentedInAdfNamingTheRole() {
		String key = issueKey();
		stubComment(key, aResponse().withStatus(201).withBody("{\"id\":\"10500\"}"));
		String delivery = send(key, "acc-dev", "In Progress", "Shipped");
		List<LoggedRequest> posts = awaitPosts(key, 1);
		JsonNode body = json.readTree(posts.get(0).getBodyAsString());
		assertThat(body.at("/body/type").asString()).isEqualTo("doc");
		assertThat(body.at("/body/version").asInt()).isEqualTo(1);
		String text = body.toString();
		assertThat(text).contains("\"DENIED\"")
			.contains("\"type\":\"strong\"")
			.contains("\"type\":\"code\"")
			.contains(this.role)
			.contains("Tollgate audit event #")
			.doesNotContain(JiraStub.API_TOKEN)
			.doesNotContain(SECRET)
			.doesNotContain(ADMIN_TOKEN);
		assertThat(posts.get(0).getHeader("Authorization")).startsWith("Basic ");
		long decisionEvent = body(api().get("/api/v1/audit?deliveryId=" + delivery + "&type=DECISION")).get("items")
			.get(0)
			.get("id")
			.asLong();
		assertThat(text).contains("Tollgate audit event #" + decisionEvent + ".");
		await().atMost(Duration.ofSeconds(10)).until(() -> commentIdFor(decisionEvent) != null);
		assertThat(commentIdFor(decisionEvent)).isEqualTo("10500");
	}

	@Test
	void anAllowedTransitionIsCommentedWithWhatStarted() {
		String key = issueKey();
		stubComment(key, aResponse().withStatus(201).withBody("{\"id\":\"10501\"}"));
		send(key, "acc-ok-" + this.suffix, "In Progress", "Shipped");
		String text = awaitPosts(key, 1).get(0).getBodyAsString();
		assertThat(text).contains("ALLOWED").contains("noop-" + this.suffix).contains("ship " + this.suffix);
	}

	@Autowired
	private ParkedComments parkedComments;

	@Autowired
	private dev.tollgate.job.JobQueue queue;

	/**
	 * A comment parked by a replica without Jira is posted as soon as one starts with
	 * Jira, not at the end of its park.
	 */
	@Test
	void aParkedCommentIsPostedOnceJiraIsConfigured() {
		String key = issueKey();
		stubComment(key, aResponse().withStatus(201).withBody("{\"id\":\"10599\"}"));
		long event = ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
		CommentRequest request = CommentRequest.on(key, event).text("Waited for Jira").build();
		this.queue.enqueue(CommentRequest.JOB, request.dedupKey(), request,
				java.time.Instant.now().plus(CommentJobHandler.PARK));
		this.jdbc.sql("UPDATE tollgate.job SET last_error = ? WHERE dedup_key = ?")
			.params(CommentJobHandler.PARKED, request.dedupKey())
			.update();

		this.parkedComments.resume();

		assertThat(awaitPosts(key, 1).get(0).getBodyAsString()).contains("Waited for Jira");
	}

	@Test
	void aRateLimitIsWaitedOutAndTheCommentPostedOnce() {
		String key = issueKey();
		String scenario = "limit-" + key;
		jira.stubFor(post(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")).inScenario(scenario)
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1"))
			.willSetStateTo("ok"));
		jira.stubFor(post(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")).inScenario(scenario)
			.whenScenarioStateIs("ok")
			.willReturn(aResponse().withStatus(201).withBody("{\"id\":\"10502\"}")));
		long start = System.nanoTime();
		send(key, "acc-dev", "In Progress", "Shipped");
		List<LoggedRequest> posts = awaitPosts(key, 2);
		assertThat(posts.get(1).getLoggedDate().getTime() - posts.get(0).getLoggedDate().getTime())
			.isGreaterThanOrEqualTo(900);
		await().atMost(Duration.ofSeconds(10)).until(() -> comments(key) == 1);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
	}

	@Test
	void aTimeoutAfterSendingDoesNotPostTwice() {
		String key = issueKey();
		// The first POST reaches Jira (and creates the comment) but answers too late.
		stubComment(key, aResponse().withStatus(201).withBody("{\"id\":\"10503\"}").withFixedDelay(1500));
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")).willReturn(okJson("""
				{"comments":[{"id":"10503","body":{"type":"doc","version":1,"content":[{"type":"paragraph",
				 "content":[{"type":"text","text":"%s"}]}]}}]}""".formatted("Tollgate audit event #MARKER"))));
		String delivery = send(key, "acc-dev", "In Progress", "Shipped");
		long decisionEvent = decisionEventId(delivery);
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")).willReturn(okJson("""
				{"comments":[{"id":"10503","body":{"type":"doc","version":1,"content":[{"type":"paragraph",
				 "content":[{"type":"text","text":"Tollgate audit event #%d."}]}]}}]}""".formatted(decisionEvent))));
		await().atMost(Duration.ofSeconds(20)).until(() -> commentIdFor(decisionEvent) != null);
		assertThat(commentIdFor(decisionEvent)).isEqualTo("10503");
		assertThat(jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")))).hasSize(1);
	}

	@Test
	void aRetryFindsItsEarlierCommentBehindAPageOfLargeOnes() {
		String key = issueKey();
		stubComment(key, aResponse().withStatus(201).withBody("{\"id\":\"10520\"}").withFixedDelay(1500));
		String delivery = send(key, "acc-dev", "In Progress", "Shipped");
		long decisionEvent = decisionEventId(delivery);
		// Ten newer comments with pasted logs (~600 KB): twenty at once would pass the 1
		// MiB read limit.
		StringBuilder newer = new StringBuilder();
		for (int i = 0; i < 10; i++) {
			newer.append((i > 0) ? "," : "").append(comment("2" + i, "log line ".repeat(6_000)));
		}
		String commentsPath = "/rest/api/3/issue/" + key + "/comment";
		jira.stubFor(get(urlPathEqualTo(commentsPath)).withQueryParam("startAt", WireMock.equalTo("0"))
			.willReturn(okJson("{\"startAt\":0,\"maxResults\":10,\"total\":14,\"comments\":[" + newer + "]}")));
		jira.stubFor(get(urlPathEqualTo(commentsPath)).withQueryParam("startAt", WireMock.equalTo("10"))
			.willReturn(okJson("{\"startAt\":10,\"maxResults\":10,\"total\":14,\"comments\":["
					+ comment("10520", "Tollgate audit event #" + decisionEvent + ".") + "]}")));

		await().atMost(Duration.ofSeconds(20)).until(() -> commentIdFor(decisionEvent) != null);
		assertThat(commentIdFor(decisionEvent)).isEqualTo("10520");
		assertThat(jira.findAll(postRequestedFor(urlPathEqualTo(commentsPath)))).hasSize(1);
	}

	private static String comment(String id, String text) {
		return """
				{"id":"%s","body":{"type":"doc","version":1,"content":[{"type":"paragraph",
				 "content":[{"type":"text","text":"%s"}]}]}}""".formatted(id, text);
	}

	@Test
	void afterAJiraOutageCommentsArriveInOrder() {
		String key = issueKey();
		String scenario = "outage-" + key;
		jira.stubFor(post(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")).inScenario(scenario)
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503)));
		jira.stubFor(post(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")).inScenario(scenario)
			.whenScenarioStateIs("up")
			.willReturn(aResponse().withStatus(201).withBody("{\"id\":\"10510\"}")));
		jira.stubFor(
				get(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")).willReturn(okJson("{\"comments\":[]}")));
		String issueId = key.substring(key.indexOf('-') + 1);
		// Both transitions at once: evaluations of one issue run in arrival order anyway.
		webhooks().send(
				JiraPayloads.transition(issueId, issueId + "1", this.project, "acc-dev", "In Progress", "Shipped"),
				UUID.randomUUID().toString());
		webhooks().send(JiraPayloads.transition(issueId, issueId + "2", this.project, "acc-dev", "Review", "Shipped"),
				UUID.randomUUID().toString());
		// Jira is down for two attempts of the first comment (well within its attempts),
		// then recovers.
		awaitPosts(key, 2);
		jira.setScenarioState(scenario, "up");
		await().atMost(Duration.ofSeconds(30)).until(() -> comments(key) == 2);
		List<String> posted = jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")))
			.stream()
			.map(LoggedRequest::getBodyAsString)
			.toList();
		// Until the first comment is through, the second is not even tried.
		assertThat(posted)
			.allMatch((body) -> body.contains("In Progress") || posted.indexOf(body) == posted.size() - 1);
		assertThat(posted.get(posted.size() - 1)).contains("Review");
		assertThat(posted.get(posted.size() - 2)).contains("In Progress");
	}

	@Test
	void aDeletedIssueEndsTheCommentJobWithAReason() {
		String key = issueKey();
		stubComment(key, aResponse().withStatus(404)
			.withBody(
					"{\"errorMessages\":[\"Issue does not exist or you do not have permission to see it.\"],\"errors\":{}}"));
		String delivery = send(key, "acc-dev", "In Progress", "Shipped");
		long decisionEvent = decisionEventId(delivery);
		await().atMost(Duration.ofSeconds(15)).until(() -> "DEAD".equals(commentJob(decisionEvent, "status")));
		assertThat(commentJob(decisionEvent, "last_error")).contains("404").contains("does not exist");
		assertThat(commentJob(decisionEvent, "attempts")).isEqualTo("1");
	}

	@Test
	void aDeniedTransitionIsRevertedAndTheRevertIsNotEvaluatedAgain() {
		String key = issueKey();
		stubComment(key, aResponse().withStatus(201).withBody("{\"id\":\"10504\"}"));
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions")).willReturn(okJson("""
				{"transitions":[{"id":"21","name":"Finish","to":{"id":"3","name":"Done"}},
				                {"id":"31","name":"Back to work","to":{"id":"2","name":"In Progress"}}]}""")));
		jira.stubFor(post(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions"))
			.willReturn(aResponse().withStatus(204)));
		String issueId = key.substring(key.indexOf('-') + 1);
		String delivery = send(key, "acc-dev", "In Progress", "Guarded");
		assertThat(decision(delivery).get("outcome").asString()).isEqualTo("DENIED");
		await().atMost(Duration.ofSeconds(15))
			.until(() -> !jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions")))
				.isEmpty());
		jira.verify(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions"))
			.withRequestBody(equalToJson("{\"transition\":{\"id\":\"31\"}}")));
		await().atMost(Duration.ofSeconds(10)).until(() -> !events(delivery, "TRANSITION_REVERTED").isEmpty());
		// Jira now reports the revert, made by Tollgate's own account.
		String revertDelivery = UUID.randomUUID().toString();
		assertThat(webhooks()
			.send(JiraPayloads.transition(issueId, issueId + "9", this.project, "tollgate-bot", "Guarded",
					"In Progress"), revertDelivery)
			.statusCode()).isEqualTo(202);
		JsonNode revert = decision(revertDelivery);
		assertThat(revert.get("outcome").asString()).isEqualTo("IGNORED");
		assertThat(revert.get("reason").asString()).contains("own revert");
	}

	@Test
	void aRevertWhoseAnswerWasLostIsNotMadeTwiceAndItsWebhookIsStillRecognised() {
		String key = issueKey();
		String scenario = "lost-revert-" + key;
		stubComment(key, aResponse().withStatus(201).withBody("{\"id\":\"10506\"}"));
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions")).willReturn(okJson("""
				{"transitions":[{"id":"31","name":"Back to work","to":{"id":"2","name":"In Progress"}}]}""")));
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + key)).inScenario(scenario)
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(okJson(JiraStub.issueInStatus("Guarded"))));
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + key)).inScenario(scenario)
			.whenScenarioStateIs("moved")
			.willReturn(okJson(JiraStub.issueInStatus("In Progress"))));
		// Jira makes the transition but answers after Tollgate's read timeout (500 ms).
		jira.stubFor(post(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions")).inScenario(scenario)
			.willReturn(aResponse().withStatus(204).withFixedDelay(1500))
			.willSetStateTo("moved"));
		String issueId = key.substring(key.indexOf('-') + 1);
		String delivery = send(key, "acc-dev", "In Progress", "Guarded");

		await().atMost(Duration.ofSeconds(20)).until(() -> !events(delivery, "TRANSITION_REVERTED").isEmpty());
		assertThat(events(delivery, "TRANSITION_REVERTED").get(0).get("reason").asString()).contains("is back in");
		assertThat(jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions"))))
			.hasSize(1);
		// The revert's own webhook is still recognised: the marker outlived the lost
		// answer.
		String revertDelivery = UUID.randomUUID().toString();
		assertThat(webhooks()
			.send(JiraPayloads.transition(issueId, issueId + "9", this.project, "tollgate-bot", "Guarded",
					"In Progress"), revertDelivery)
			.statusCode()).isEqualTo(202);
		assertThat(decision(revertDelivery).get("outcome").asString()).isEqualTo("IGNORED");
	}

	@Test
	void anIssueThatHasMovedOnSinceTheDenialIsNotMovedBack() {
		String key = issueKey();
		stubComment(key, aResponse().withStatus(201).withBody("{\"id\":\"10507\"}"));
		JiraStub.issueIn(jira, key, "Done");
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions")).willReturn(okJson("""
				{"transitions":[{"id":"31","name":"Back to work","to":{"id":"2","name":"In Progress"}}]}""")));
		jira.stubFor(post(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions"))
			.willReturn(aResponse().withStatus(204)));
		String delivery = send(key, "acc-dev", "In Progress", "Guarded");

		await().atMost(Duration.ofSeconds(15)).until(() -> !events(delivery, "REVERT_FAILED").isEmpty());
		assertThat(events(delivery, "REVERT_FAILED").get(0).get("reason").asString()).contains("moved on to 'Done'");
		assertThat(jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions"))))
			.isEmpty();
	}

	@Test
	void aConfigurationProblemJiraReportsWith422IsTriedOnceAndTheFailedRevertAudited() {
		String key = issueKey();
		stubComment(key, aResponse().withStatus(201).withBody("{\"id\":\"10508\"}"));
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions")).willReturn(okJson("""
				{"transitions":[{"id":"31","name":"Back to work","to":{"id":"2","name":"In Progress"}}]}""")));
		// Jira Cloud's answer when a transition's screen requires a field nobody sent.
		jira.stubFor(
				post(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions")).willReturn(aResponse().withStatus(422)
					.withHeader("Content-Type", "application/json")
					.withBody("{\"errorMessages\":[],\"errors\":{\"resolution\":\"Resolution is required.\"}}")));
		String delivery = send(key, "acc-dev", "In Progress", "Guarded");

		await().atMost(Duration.ofSeconds(15)).until(() -> !events(delivery, "REVERT_FAILED").isEmpty());
		assertThat(events(delivery, "REVERT_FAILED").get(0).get("reason").asString()).contains("422")
			.contains("Resolution is required");
		assertThat(jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions"))))
			.hasSize(1);
	}

	@Test
	void withoutATransitionBackTheFailedRevertIsReported() {
		String key = issueKey();
		stubComment(key, aResponse().withStatus(201).withBody("{\"id\":\"10505\"}"));
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + key + "/transitions"))
			.willReturn(okJson("{\"transitions\":[{\"id\":\"21\",\"name\":\"Finish\",\"to\":{\"name\":\"Done\"}}]}")));
		String delivery = send(key, "acc-dev", "In Progress", "Guarded");
		await().atMost(Duration.ofSeconds(15)).until(() -> !events(delivery, "REVERT_FAILED").isEmpty());
		assertThat(events(delivery, "REVERT_FAILED").get(0).get("reason").asString()).contains("no transition")
			.contains("In Progress");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")))
				.stream()
				.anyMatch((r) -> r.getBodyAsString().contains("NOT REVERTED")));
	}

	private String issueKey() {
		return this.project + "-" + ThreadLocalRandom.current().nextLong(1_000_000L, 9_000_000_000L);
	}

	private String send(String key, String actor, String from, String to) {
		String delivery = UUID.randomUUID().toString();
		String issueId = key.substring(key.indexOf('-') + 1);
		HttpResponse<String> response = webhooks()
			.send(JiraPayloads.transition(issueId, issueId, this.project, actor, from, to), delivery);
		assertThat(response.statusCode()).isEqualTo(202);
		return delivery;
	}

	private void stubComment(String key, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
		jira.stubFor(post(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")).willReturn(response));
		jira.stubFor(
				get(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")).willReturn(okJson("{\"comments\":[]}")));
	}

	private List<LoggedRequest> awaitPosts(String key, int count) {
		await().atMost(Duration.ofSeconds(20))
			.until(() -> jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")))
				.size() >= count);
		return jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + key + "/comment")));
	}

	private JsonNode decision(String delivery) {
		await().atMost(Duration.ofSeconds(20)).until(() -> !events(delivery, "DECISION").isEmpty());
		return events(delivery, "DECISION").get(0);
	}

	private long decisionEventId(String delivery) {
		return decision(delivery).get("id").asLong();
	}

	private List<JsonNode> events(String delivery, String type) {
		return body(api().get("/api/v1/audit?deliveryId=" + delivery + "&type=" + type)).get("items")
			.valueStream()
			.toList();
	}

	private long comments(String key) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.jira_comment WHERE issue_key = ?")
			.param(key)
			.query(Long.class)
			.single();
	}

	private String commentIdFor(long auditEventId) {
		return this.jdbc.sql("SELECT comment_id FROM tollgate.jira_comment WHERE audit_event_id = ?")
			.param(auditEventId)
			.query(String.class)
			.optional()
			.orElse(null);
	}

	private String commentJob(long auditEventId, String column) {
		return this.jdbc.sql("SELECT " + column + "::text FROM tollgate.job WHERE dedup_key = ?")
			.param("comment:" + auditEventId)
			.query(String.class)
			.optional()
			.orElse(null);
	}

}
