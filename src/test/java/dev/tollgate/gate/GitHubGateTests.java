package dev.tollgate.gate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
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

import dev.tollgate.signature.HmacSignature;
import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import dev.tollgate.support.JiraStub;
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
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GitHub custom deployment protection rules end to end: the application is started,
 * WireMock answers as GitHub's REST API and Jira do, and GitHub's
 * {@code deployment_protection_rule} webhook is composed from its published schema. Each
 * test works in its own repository, so its gate is the only one asked.
 */
class GitHubGateTests extends IntegrationTest {

	private static final String INSTALLATION = "123";

	private static final WireMockServer github = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private static final WireMockServer jira = JiraStub.start();

	private static final Path secrets = appKey();

	private static final HttpClient http = HttpClient.newHttpClient();

	static {
		github.start();
	}

	private String suffix;

	private String repo;

	private String project;

	@DynamicPropertySource
	static void stubs(DynamicPropertyRegistry registry) {
		JiraStub.register(registry, jira);
		registry.add("tollgate.credentials.file-roots", secrets::toString);
	}

	@AfterAll
	static void stop() {
		github.stop();
		jira.stop();
	}

	@BeforeEach
	void setUp() {
		JiraStub.acceptCommentsAndKnowNobody(jira);
		this.suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		this.repo = "shop-" + this.suffix;
		this.project = JiraPayloads.projectKey('G', this.suffix);
		github.stubFor(post(urlPathEqualTo("/app/installations/" + INSTALLATION + "/access_tokens"))
			.willReturn(aResponse().withStatus(201)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"token\":\"ghs_installation_token\",\"expires_at\":\"2099-01-01T00:00:00Z\"}")));
		github.stubFor(
				post(urlPathMatching("/repos/acme/" + this.repo + "/actions/runs/[0-9]+/deployment_protection_rule"))
					.willReturn(aResponse().withStatus(204)));
		created(api().post("/api/v1/roles", "{\"name\":\"deployer-" + this.suffix + "\"}"));
		created(api().post("/api/v1/roles", "{\"name\":\"approver-" + this.suffix + "\"}"));
		bind("deployer-" + this.suffix, "acc-deployer-" + this.suffix);
		bind("approver-" + this.suffix, "acc-approver-1");
		bind("approver-" + this.suffix, "acc-approver-2");
		created(api().post("/api/v1/targets", """
				{"name":"deploy-%s","kind":"GITHUB_ACTIONS","baseUrl":"%s","repository":"acme/%s",
				 "workflow":"deploy.yml","ref":"main","credentialRef":"file:%s","auth":"APP","appId":"4242",
				 "installationId":"%s"}""".formatted(this.suffix, base(), this.repo, secrets.resolve("app.pem"),
				INSTALLATION)));
	}

	@Test
	void aRunTollgateStartedForAnAllowedDecisionIsApproved() {
		String runId = runId();
		github.stubFor(post(urlPathEqualTo("/repos/acme/" + this.repo + "/actions/workflows/deploy.yml/dispatches"))
			.willReturn(okJson("{\"workflow_run_id\":" + runId + ",\"run_url\":\"" + base() + "/repos/acme/" + this.repo
					+ "/actions/runs/" + runId + "\",\"html_url\":\"https://github.com/acme/" + this.repo
					+ "/actions/runs/" + runId + "\"}")));
		rule("Deploy", "\"target\":\"deploy-" + this.suffix + "\"");
		gate("prod", "production", "\"linkedIssues\":false");
		String issueKey = transition("Deploy");
		await().atMost(Duration.ofSeconds(30)).until(() -> events(issueKey, "TRIGGER_SUCCEEDED").size() == 1);

		HttpResponse<String> asked = protectionRule(runId, "production", "main", UUID.randomUUID().toString());
		assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
		assertThat(body(asked).get("status").asString()).isEqualTo("QUEUED");
		JsonNode review = awaitReview(runId, "approved");
		assertThat(review.get("environment_name").asString()).isEqualTo("production");
		assertThat(review.get("comment").asString()).contains("Tollgate started this run");
		JsonNode approved = events(issueKey, "GATE_APPROVED").get(0);
		assertThat(approved.get("target").asString()).isEqualTo("deploy-" + this.suffix);
		assertThat(approved.get("details").get("environment").asString()).isEqualTo("production");
		assertThat(approved.get("decisionId").asString())
			.isEqualTo(events(issueKey, "DECISION").get(0).get("decisionId").asString());
		assertThat(reviewCalls(runId).get(0).getHeader("Authorization")).isEqualTo("Bearer ghs_installation_token");
		String metrics = api().get("/actuator/prometheus").body();
		assertThat(metrics).containsPattern(
				"tollgate_gate_reviews_total\\{[^}]*outcome=\"APPROVED\"[^}]*provider=\"GITHUB_ACTIONS\"[^}]*} [1-9]");
		assertThat(metrics).containsPattern("tollgate_gate_reviews_waiting\\{[^}]*provider=\"GITHUB_ACTIONS\"[^}]*} ");
	}

	@Test
	void aRunStartedByHandNamingNoIssueIsRejectedWithAReason() {
		gate("prod", "production", "\"linkedIssues\":true,\"issueStatuses\":[\"Ready\"]");
		String runId = runId();
		run(runId, "main", "Manual deploy", "tweak the config");
		assertThat(protectionRule(runId, "production", "main", UUID.randomUUID().toString()).statusCode())
			.isEqualTo(202);
		JsonNode review = awaitReview(runId, "rejected");
		assertThat(review.get("comment").asString()).contains("names no Jira issue");
		assertThat(reviews("REJECTED")).anySatisfy((r) -> assertThat(r.get("subject").asString()).endsWith(runId));
	}

	@Test
	void aHandStartedRunWhoseBranchNamesAnIssueMovedByAnAllowedMoveIsApprovedOnlyWithLinkedIssues() {
		rule("Ready", null);
		gate("prod", "production", "\"linkedIssues\":true,\"issueStatuses\":[\"Ready\"]");
		gate("strict", "staging", "\"linkedIssues\":false");
		String issueKey = transition("Ready");
		await().atMost(Duration.ofSeconds(20)).until(() -> !events(issueKey, "DECISION").isEmpty());
		assertThat(events(issueKey, "DECISION").get(0).get("outcome").asString()).isEqualTo("ALLOWED");
		JiraStub.issueIn(jira, issueKey, "Ready");
		String runId = runId();
		run(runId, "feature/" + issueKey + "-checkout", "Deploy by hand", "wip");
		protectionRule(runId, "production", "feature/" + issueKey + "-checkout", UUID.randomUUID().toString());
		assertThat(awaitReview(runId, "approved").get("comment").asString()).contains(issueKey);
		assertThat(events(issueKey, "GATE_APPROVED")).hasSize(1);
		await().atMost(Duration.ofSeconds(15))
			.until(() -> jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + issueKey + "/comment")))
				.stream()
				.anyMatch((r) -> r.getBodyAsString().contains("DEPLOYMENT APPROVED")));

		String other = runId();
		run(other, "feature/" + issueKey + "-checkout", "Deploy by hand", "wip");
		protectionRule(other, "staging", "feature/" + issueKey + "-checkout", UUID.randomUUID().toString());
		assertThat(awaitReview(other, "rejected").get("comment").asString()).contains("linkedIssues is off");
	}

	@Test
	void aRunWhoseIssueAwaitsApprovalWaitsWithANoteAndIsApprovedWhenTheSecondApproverVotes() {
		Issue issue = awaitingApproval(2, "");
		String runId = handStartedRunNaming("release/" + issue.key());
		await().atMost(Duration.ofSeconds(20)).until(() -> reviewCalls(runId).size() == 1);
		JsonNode note = json(reviewCalls(runId).get(0));
		assertThat(note.has("state")).as("a status note carries no state").isFalse();
		assertThat(note.get("comment").asString()).contains("waiting for approval request");
		assertThat(reviews("WAITING")).anySatisfy((r) -> assertThat(r.get("subject").asString()).endsWith(runId));

		vote(issue, "acc-approver-1", "/approve");
		await().atMost(Duration.ofSeconds(15)).until(() -> events(issue.key(), "APPROVAL_VOTED").size() == 1);
		assertThat(reviewCalls(runId)).hasSize(1);
		vote(issue, "acc-approver-2", "/approve");
		JsonNode review = awaitReview(runId, "approved");
		assertThat(review.get("comment").asString()).contains("was granted");
		assertThat(reviewCalls(runId)).hasSize(2);
	}

	@Test
	void aDeniedApprovalRejectsTheWaitingDeployment() {
		Issue issue = awaitingApproval(1, "");
		String runId = handStartedRunNaming(issue.key());
		await().atMost(Duration.ofSeconds(20)).until(() -> reviewCalls(runId).size() == 1);
		vote(issue, "acc-approver-1", "/deny not this week");
		assertThat(awaitReview(runId, "rejected").get("comment").asString()).contains("was denied");
	}

	@Test
	void aDeploymentWaitingLongerThanWaitForIsRejected() {
		Issue issue = awaitingApproval(1, ",\"waitFor\":\"PT2S\"");
		String runId = handStartedRunNaming(issue.key());
		assertThat(awaitReview(runId, "rejected").get("comment").asString()).contains("Waited PT2S");
	}

	@Test
	void aCallbackUrlOnAnotherHostIsRefusedAndAudited() {
		gate("prod", "production", "\"linkedIssues\":false");
		String runId = runId();
		String body = payload(runId, "production", "main").replace(base() + "/repos/", "https://evil.example/repos/");
		HttpResponse<String> refused = send(body, UUID.randomUUID().toString());
		assertThat(refused.statusCode()).isEqualTo(422);
		assertThat(refused.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode event = body(api().get("/api/v1/audit?type=GATE_REJECTED&outcome=REFUSED&limit=200")).get("items")
			.valueStream()
			.filter((e) -> ("deploy-" + this.suffix).equals(e.path("target").asString()))
			.findFirst()
			.orElseThrow();
		assertThat(event.get("reason").asString()).contains("deployment_callback_url");
		assertThat(reviewCalls(runId)).isEmpty();
	}

	@Test
	void theSameRequestDeliveredThreeTimesIsReviewedOnce() {
		gate("prod", "production", "\"linkedIssues\":false");
		String runId = runId();
		String delivery = UUID.randomUUID().toString();
		List<String> answers = List
			.of(protectionRule(runId, "production", "main", delivery),
					protectionRule(runId, "production", "main", delivery),
					protectionRule(runId, "production", "main", UUID.randomUUID().toString()))
			.stream()
			.map((r) -> body(r).get("status").asString())
			.toList();
		assertThat(answers).containsExactly("QUEUED", "DUPLICATE", "DUPLICATE");
		awaitReview(runId, "rejected");
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> reviewCalls(runId).size() == 1);
	}

	@Test
	void gitHubAnswering502ThenAcceptingGetsOneReviewAfterTheRetry() {
		gate("prod", "production", "\"linkedIssues\":false");
		String runId = runId();
		String path = "/repos/acme/" + this.repo + "/actions/runs/" + runId + "/deployment_protection_rule";
		github.stubFor(post(urlPathEqualTo(path)).inScenario("flaky-" + runId)
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(502))
			.willSetStateTo("recovered"));
		github.stubFor(post(urlPathEqualTo(path)).inScenario("flaky-" + runId)
			.whenScenarioStateIs("recovered")
			.willReturn(aResponse().withStatus(204)));
		protectionRule(runId, "production", "main", UUID.randomUUID().toString());
		await().atMost(Duration.ofSeconds(20)).until(() -> reviewCalls(runId).size() == 2);
		assertThat(reviewCalls(runId))
			.allSatisfy((r) -> assertThat(json(r).get("state").asString()).isEqualTo("rejected"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> reviews(null).stream()
				.anyMatch((r) -> r.get("subject").asString().endsWith("#" + runId) && r.get("answered").asBoolean()));
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> reviewCalls(runId).size() == 2);
	}

	@Test
	void aDryRunGateApprovesAndRecordsWhatItWouldHaveAnswered() {
		gate("prod", "production", "\"linkedIssues\":false,\"mode\":\"DRY_RUN\"");
		String runId = runId();
		protectionRule(runId, "production", "main", UUID.randomUUID().toString());
		JsonNode review = awaitReview(runId, "approved");
		assertThat(review.get("comment").asString()).contains("Dry run: would have rejected");
		JsonNode stored = reviews("APPROVED").stream()
			.filter((r) -> r.get("subject").asString().endsWith("#" + runId))
			.findFirst()
			.orElseThrow();
		assertThat(stored.get("dryRun").asBoolean()).isTrue();
		assertThat(stored.get("reason").asString()).contains("would have rejected");
	}

	@Test
	void aRequestForAnEnvironmentNoGateGuardsIsIgnored() {
		gate("prod", "production", "\"linkedIssues\":false");
		String runId = runId();
		HttpResponse<String> ignored = protectionRule(runId, "qa", "main", UUID.randomUUID().toString());
		assertThat(body(ignored).get("status").asString()).isEqualTo("IGNORED");
		String unsigned = payload(runId, "production", "main");
		HttpResponse<String> unauthenticated = http(unsigned, UUID.randomUUID().toString(), "sha256=00");
		assertThat(unauthenticated.statusCode()).isEqualTo(401);
		assertThat(reviews(null)).noneSatisfy((r) -> assertThat(r.get("subject").asString()).endsWith("#" + runId));
	}

	// ---- helpers ----

	/**
	 * An issue moved into "Ready" by a rule that needs {@code required} approvals, and a
	 * gate that accepts linked issues in "Ready".
	 */
	private Issue awaitingApproval(int required, String gateExtra) {
		rule("Ready",
				"\"approval\":{\"required\":" + required + ",\"approverRoles\":[\"approver-" + this.suffix + "\"]}");
		gate("prod", "production", "\"linkedIssues\":true,\"issueStatuses\":[\"Ready\"]" + gateExtra);
		Issue issue = transitionOf("Ready");
		awaitEvent(issue.key(), "APPROVAL_REQUESTED");
		return issue;
	}

	/** A run started by hand on {@code branch}, asking the gate of "production". */
	private String handStartedRunNaming(String branch) {
		String runId = runId();
		run(runId, branch, "Release", "release");
		protectionRule(runId, "production", branch, UUID.randomUUID().toString());
		return runId;
	}

	record Issue(String id, String key) {
	}

	private String transition(String to) {
		return transitionOf(to).key();
	}

	private Issue transitionOf(String to) {
		String id = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, 9_000_000_000L));
		assertThat(webhooks()
			.send(JiraPayloads.transition(id, id, this.project, "acc-deployer-" + this.suffix, "In Progress", to),
					UUID.randomUUID().toString())
			.statusCode()).isEqualTo(202);
		String key = this.project + "-" + id;
		JiraStub.issueIn(jira, key, to);
		return new Issue(id, key);
	}

	private void vote(Issue issue, String author, String text) {
		String commentId = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, Long.MAX_VALUE));
		assertThat(webhooks()
			.send(JiraPayloads.comment(issue.id(), this.project, commentId, author, text), UUID.randomUUID().toString())
			.statusCode()).isEqualTo(202);
	}

	private void rule(String toStatus, String extra) {
		created(api().post("/api/v1/rules", """
				{"name":"to %1$s %2$s","projectKey":"%3$s","fromStatus":"*","toStatus":"%1$s",
				 "allowedRoles":["deployer-%2$s"]%4$s}""".formatted(toStatus, this.suffix, this.project,
				(extra != null) ? "," + extra : "")));
	}

	private void gate(String name, String environment, String extra) {
		created(api().post("/api/v1/gates", """
				{"name":"%s-%s","target":"deploy-%s","environment":"%s",%s}""".formatted(name, this.suffix, this.suffix,
				environment, extra)));
	}

	private void bind(String role, String account) {
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"" + role + "\",\"subjectType\":\"USER\",\"subject\":\"" + account + "\"}"));
	}

	/** The run as GitHub's REST API shows it. */
	private void run(String runId, String branch, String title, String message) {
		github.stubFor(get(urlPathEqualTo("/repos/acme/" + this.repo + "/actions/runs/" + runId)).willReturn(okJson("""
				{"id":%s,"name":"deploy","display_title":"%s","head_branch":"%s","event":"workflow_dispatch",
				 "head_commit":{"id":"abc","message":"%s"},"pull_requests":[]}""".formatted(runId, title, branch,
				message))));
	}

	private HttpResponse<String> protectionRule(String runId, String environment, String ref, String delivery) {
		return send(payload(runId, environment, ref), delivery);
	}

	/**
	 * A deployment_protection_rule "requested" event, fields as GitHub's schema names
	 * them.
	 */
	private String payload(String runId, String environment, String ref) {
		return """
				{"action":"requested","environment":"%1$s","event":"workflow_dispatch","ref":"%2$s",
				 "deployment_callback_url":"%3$s/repos/acme/%4$s/actions/runs/%5$s/deployment_protection_rule",
				 "deployment":{"id":%6$d,"sha":"0123456789abcdef","ref":"%2$s","environment":"%1$s",
				   "creator":{"login":"octocat","id":1}},
				 "pull_requests":[],
				 "repository":{"id":1,"full_name":"acme/%4$s","html_url":"https://github.com/acme/%4$s"},
				 "installation":{"id":%7$s},"sender":{"login":"octocat"}}""".formatted(environment, ref, base(),
				this.repo, runId, ThreadLocalRandom.current().nextInt(1, 1_000_000), INSTALLATION);
	}

	private HttpResponse<String> send(String body, String delivery) {
		return http(body, delivery, HmacSignature.sign("gh-new-secret", body.getBytes(StandardCharsets.UTF_8)));
	}

	private HttpResponse<String> http(String body, String delivery, String signature) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/github"))
			.header("Content-Type", "application/json")
			.header("X-GitHub-Event", "deployment_protection_rule")
			.header("X-GitHub-Delivery", delivery)
			.header("X-Hub-Signature-256", signature)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private List<LoggedRequest> reviewCalls(String runId) {
		return github.findAll(postRequestedFor(
				urlPathEqualTo("/repos/acme/" + this.repo + "/actions/runs/" + runId + "/deployment_protection_rule")));
	}

	/** Waits for the review call with this state and returns its body. */
	private JsonNode awaitReview(String runId, String state) {
		await().atMost(Duration.ofSeconds(20))
			.until(() -> reviewCalls(runId).stream().anyMatch((r) -> state.equals(json(r).path("state").asString(""))));
		return reviewCalls(runId).stream()
			.map(GitHubGateTests::json)
			.filter((r) -> state.equals(r.path("state").asString("")))
			.findFirst()
			.orElseThrow();
	}

	private static JsonNode json(LoggedRequest request) {
		return tools.jackson.databind.json.JsonMapper.builder().build().readTree(request.getBodyAsString());
	}

	private List<JsonNode> reviews(String status) {
		return body(api().get("/api/v1/gates/reviews?limit=1000" + ((status != null) ? "&status=" + status : "")))
			.get("items")
			.valueStream()
			.filter((r) -> r.get("target").asString().equals("deploy-" + this.suffix))
			.toList();
	}

	private void awaitEvent(String issueKey, String type) {
		await().atMost(Duration.ofSeconds(20)).until(() -> !events(issueKey, type).isEmpty());
	}

	private List<JsonNode> events(String issueKey, String type) {
		return body(api().get("/api/v1/audit?issueKey=" + issueKey + "&type=" + type)).get("items")
			.valueStream()
			.toList();
	}

	private static String runId() {
		return Long.toString(ThreadLocalRandom.current().nextLong(100_000_000L, 9_000_000_000L));
	}

	private static String base() {
		return "http://127.0.0.1:" + github.port();
	}

	private static Path appKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
			String pem = "-----BEGIN PRIVATE KEY-----\n"
					+ Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
					+ "\n-----END PRIVATE KEY-----\n";
			Path dir = Files.createTempDirectory("tollgate-gate-secrets");
			Files.writeString(dir.resolve("app.pem"), pem);
			dir.toFile().deleteOnExit();
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
