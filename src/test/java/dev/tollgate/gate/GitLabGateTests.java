package dev.tollgate.gate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
import org.springframework.test.context.TestPropertySource;

import static dev.tollgate.support.ApiClient.created;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
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
 * GitLab deployment approvals end to end: Deployment Hooks on {@code /webhooks/gitlab}
 * and the poll of blocked deployments (every second here) bring one review per
 * deployment, answered once through the approval API of a WireMock GitLab, with the
 * manual job played after an approval.
 */
@TestPropertySource(properties = "tollgate.gates.poll-interval=1s")
class GitLabGateTests extends IntegrationTest {

	private static final String TOKEN = "glpat-gate-test-secret-0123";

	private static final WireMockServer gitlab = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private static final WireMockServer jira = JiraStub.start();

	private static final Path secrets = secretFile();

	static {
		gitlab.start();
	}

	@Autowired
	private JdbcClient jdbc;

	private String suffix;

	@DynamicPropertySource
	static void stubs(DynamicPropertyRegistry registry) {
		JiraStub.register(registry, jira);
		registry.add("tollgate.credentials.file-roots", secrets::toString);
	}

	@AfterAll
	static void stop() {
		gitlab.stop();
		jira.stop();
	}

	@BeforeEach
	void setUp() {
		JiraStub.acceptCommentsAndKnowNobody(jira);
		this.suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
	}

	@Test
	void aDeploymentTheWebhookAndThePollBothBringIsAnsweredOnce() {
		// The target names its project by numeric id, the webhook by id and path: both
		// must come to one review.
		long projectId = id();
		long deployment = id();
		String path = "acme/shop-" + this.suffix;
		String name = "gl-" + this.suffix;
		target(name, Long.toString(projectId), "ACCESS_TOKEN");
		gate(name, "production", false);
		String projectPath = "/api/v4/projects/" + projectId;
		gitlab.stubFor(get(urlPathEqualTo(projectPath + "/deployments")).withQueryParam("status", equalTo("blocked"))
			.withQueryParam("environment", equalTo("production"))
			.willReturn(okJson("[" + deploymentJson(deployment, projectId, path, id(), id(), "production") + "]")));
		gitlab.stubFor(get(urlPathEqualTo(projectPath + "/deployments/" + deployment))
			.willReturn(okJson(deploymentJson(deployment, projectId, path, id(), id(), "production"))));
		gitlab.stubFor(post(urlPathEqualTo(projectPath + "/deployments/" + deployment + "/approval"))
			.willReturn(aResponse().withStatus(201).withBody("{\"status\":\"rejected\"}")));

		HttpResponse<String> webhook = hook(deploymentHook(deployment, projectId, path, id(), "production"));
		assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(202);
		assertThat(body(webhook).get("status").asString()).isIn("QUEUED", "DUPLICATE");
		int pollsSeen = polls(projectPath);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> approvals(projectPath, deployment).size() == 1 && polls(projectPath) >= pollsSeen + 2);
		assertThat(approvals(projectPath, deployment)).hasSize(1);
		assertThat(reviews(name)).hasSize(1);
		assertThat(reviews(name).get(0).get("subject")).isEqualTo(projectId + "#" + deployment);
		HttpResponse<String> again = hook(deploymentHook(deployment, projectId, path, id(), "production"));
		assertThat(body(again).get("status").asString()).isEqualTo("DUPLICATE");
		assertThat(approvals(projectPath, deployment)).hasSize(1);
	}

	@Test
	void aDeploymentOfARunTollgateDidNotStartNamingNoIssueIsRejectedWithTheReason() {
		long projectId = id();
		long deployment = id();
		long job = id();
		String path = "acme/hand-" + this.suffix;
		String projectPath = "/api/v4/projects/acme%2Fhand-" + this.suffix;
		String name = "gl-" + this.suffix;
		target(name, path, "ACCESS_TOKEN");
		gate(name, "*", true);
		gitlab.stubFor(get(urlPathEqualTo(projectPath + "/deployments/" + deployment))
			.willReturn(okJson(deploymentJson(deployment, projectId, path, id(), job, "staging"))));
		gitlab.stubFor(post(urlPathEqualTo(projectPath + "/deployments/" + deployment + "/approval"))
			.willReturn(aResponse().withStatus(201).withBody("{\"status\":\"rejected\"}")));

		HttpResponse<String> webhook = hook(deploymentHook(deployment, projectId, path, job, "staging"));
		assertThat(body(webhook).get("status").asString()).isEqualTo("QUEUED");
		await().atMost(Duration.ofSeconds(20)).until(() -> approvals(projectPath, deployment).size() == 1);
		JsonNode approval = json(approvals(projectPath, deployment).get(0));
		assertThat(approval.get("status").asString()).isEqualTo("rejected");
		assertThat(approval.get("comment").asString()).startsWith("Tollgate rejected this deployment: ")
			.contains("names no Jira issue");
		// GitLab keeps at most 255 characters of an approval's comment.
		assertThat(approval.get("comment").asString().length()).isLessThanOrEqualTo(255);
		assertThat(reviews(name).get(0).get("status")).isEqualTo("REJECTED");
		assertThat(gitlab.findAll(postRequestedFor(urlPathMatching(projectPath + "/jobs/.*")))).isEmpty();
		// Blocked deployments of a gate on every environment are polled without a filter.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> gitlab
				.findAll(getRequestedFor(urlPathEqualTo(projectPath + "/deployments")).withQueryParam("status",
						equalTo("blocked")))
				.stream()
				.anyMatch((request) -> !request.getQueryParams().containsKey("environment")));
	}

	@Test
	void aRunTollgateStartedForAnAllowedDecisionIsApprovedAndItsManualJobPlayed() {
		long projectId = id();
		long pipeline = id();
		long deployment = id();
		long job = id();
		String path = "acme/app-" + this.suffix;
		String projectPath = "/api/v4/projects/acme%2Fapp-" + this.suffix;
		String name = "gl-" + this.suffix;
		String project = JiraPayloads.projectKey('G', this.suffix);
		gitlab.stubFor(post(urlPathEqualTo(projectPath + "/pipeline")).willReturn(aResponse().withStatus(201)
			.withBody("{\"id\":" + pipeline + ",\"web_url\":\"" + base() + "/" + path + "/-/pipelines/" + pipeline
					+ "\"}")));
		target(name, path, "ACCESS_TOKEN");
		created(api().post("/api/v1/roles", "{\"name\":\"deployer-" + this.suffix + "\"}"));
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"deployer-" + this.suffix + "\",\"subjectType\":\"USER\",\"subject\":\"acc-deployer\"}"));
		created(api().post("/api/v1/rules", """
				{"name":"deploy %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Deploy",
				 "allowedRoles":["deployer-%1$s"],"target":"%3$s"}""".formatted(this.suffix, project, name)));
		gate(name, "production", false);
		String issue = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, 9_000_000_000L));
		assertThat(webhooks()
			.send(JiraPayloads.transition(issue, issue, project, "acc-deployer", "In Progress", "Deploy"),
					UUID.randomUUID().toString())
			.statusCode()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM tollgate.pipeline_run WHERE run_id = ?")
				.param(Long.toString(pipeline))
				.query(Long.class)
				.single() == 1);

		gitlab.stubFor(get(urlPathEqualTo(projectPath + "/deployments/" + deployment))
			.willReturn(okJson(deploymentJson(deployment, projectId, path, pipeline, job, "production"))));
		gitlab.stubFor(post(urlPathEqualTo(projectPath + "/deployments/" + deployment + "/approval"))
			.willReturn(aResponse().withStatus(201).withBody("{\"status\":\"approved\"}")));
		gitlab.stubFor(get(urlPathEqualTo(projectPath + "/jobs/" + job))
			.willReturn(okJson("{\"id\":" + job + ",\"name\":\"deploy\",\"status\":\"manual\"}")));
		gitlab.stubFor(post(urlPathEqualTo(projectPath + "/jobs/" + job + "/play"))
			.willReturn(okJson("{\"id\":" + job + ",\"status\":\"pending\"}")));

		HttpResponse<String> webhook = hook(deploymentHook(deployment, projectId, path, job, "production"));
		assertThat(body(webhook).get("status").asString()).isEqualTo("QUEUED");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> gitlab.findAll(postRequestedFor(urlPathEqualTo(projectPath + "/jobs/" + job + "/play")))
				.size() == 1);
		JsonNode approval = json(approvals(projectPath, deployment).get(0));
		assertThat(approvals(projectPath, deployment)).hasSize(1);
		assertThat(approval.get("status").asString()).isEqualTo("approved");
		assertThat(approval.get("comment").asString()).contains("Tollgate started this run for decision");
		assertThat(gitlab.findAll(postRequestedFor(urlPathEqualTo(projectPath + "/jobs/" + job + "/play")))
			.get(0)
			.getHeader("PRIVATE-TOKEN")).isEqualTo(TOKEN);
		Map<String, Object> review = reviews(name).get(0);
		assertThat(review.get("status")).isEqualTo("APPROVED");
		assertThat(review.get("decision_id")).isNotNull();
	}

	@Test
	void gitLabAnswering502GetsTheAnswerOnTheRetry() {
		long projectId = id();
		long deployment = id();
		String path = "acme/flaky-" + this.suffix;
		String projectPath = "/api/v4/projects/acme%2Fflaky-" + this.suffix;
		String name = "gl-" + this.suffix;
		target(name, path, "ACCESS_TOKEN");
		gate(name, "production", false);
		gitlab.stubFor(get(urlPathEqualTo(projectPath + "/deployments/" + deployment))
			.willReturn(okJson(deploymentJson(deployment, projectId, path, id(), id(), "production"))));
		String scenario = "approval-" + this.suffix;
		gitlab
			.stubFor(post(urlPathEqualTo(projectPath + "/deployments/" + deployment + "/approval")).inScenario(scenario)
				.whenScenarioStateIs(Scenario.STARTED)
				.willReturn(aResponse().withStatus(502))
				.willSetStateTo("up"));
		gitlab
			.stubFor(post(urlPathEqualTo(projectPath + "/deployments/" + deployment + "/approval")).inScenario(scenario)
				.whenScenarioStateIs("up")
				.willReturn(aResponse().withStatus(201).withBody("{\"status\":\"rejected\"}")));

		assertThat(body(hook(deploymentHook(deployment, projectId, path, id(), "production"))).get("status").asString())
			.isEqualTo("QUEUED");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.jdbc.sql("SELECT answered FROM tollgate.gate_review WHERE gate = ?")
				.param(name)
				.query(Boolean.class)
				.single());
		assertThat(approvals(projectPath, deployment)).hasSize(2);
		assertThat(approvals(projectPath, deployment)).extracting((request) -> json(request).get("status").asString())
			.containsOnly("rejected");
	}

	@Test
	void aGitLabTargetWithATriggerTokenCannotGate() {
		String name = "gl-" + this.suffix;
		target(name, "acme/trig-" + this.suffix, "TRIGGER_TOKEN");
		HttpResponse<String> refused = api().post("/api/v1/gates",
				"{\"name\":\"%1$s\",\"target\":\"%1$s\",\"environment\":\"production\"}".formatted(name));
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
		assertThat(refused.body()).contains("ACCESS_TOKEN");
	}

	private void target(String name, String project, String auth) {
		created(api().post("/api/v1/targets", """
				{"name":"%s","kind":"GITLAB","baseUrl":"%s","project":"%s","ref":"main","auth":"%s",
				 "credentialRef":"file:%s"}""".formatted(name, base(), project, auth, secrets.resolve("gitlab"))));
	}

	private void gate(String name, String environment, boolean linkedIssues) {
		created(api().post("/api/v1/gates", """
				{"name":"%1$s","target":"%1$s","environment":"%2$s","issueStatuses":["Ready for Production"],
				 "linkedIssues":%3$s,"comment":false}""".formatted(name, environment, linkedIssues)));
	}

	/**
	 * A Deployment Hook as GitLab documents it, for a deployment blocked for approval.
	 */
	private static String deploymentHook(long deployment, long projectId, String path, long job, String environment) {
		return """
				{"object_kind":"deployment","status":"blocked","status_changed_at":"2026-12-07 10:00:00 +0000",
				 "deployment_id":%1$d,"deployable_id":%4$d,"deployable_url":"%6$s/%3$s/-/jobs/%4$d",
				 "environment":"%5$s","environment_tier":"production","environment_slug":"%5$s",
				 "environment_external_url":null,
				 "project":{"id":%2$d,"name":"shop","description":"","web_url":"%6$s/%3$s","avatar_url":null,
				  "namespace":"acme","visibility_level":0,"path_with_namespace":"%3$s","default_branch":"main"},
				 "short_sha":"279484c0","user":{"id":1,"name":"Dana","username":"dana"},"user_url":"%6$s/dana",
				 "commit_url":"%6$s/%3$s/-/commit/279484c09fbe69ededfced8c1bb6e6d24616b468",
				 "commit_title":"Add new file","ref":"main"}""".formatted(deployment, projectId, path, job, environment,
				base());
	}

	/** A deployment as GitLab's deployments API shows it. */
	private static String deploymentJson(long deployment, long projectId, String path, long pipeline, long job,
			String environment) {
		return """
				{"id":%1$d,"iid":3,"ref":"main","sha":"279484c09fbe69ededfced8c1bb6e6d24616b468","status":"blocked",
				 "created_at":"2026-12-07T10:00:00.000Z","updated_at":"2026-12-07T10:00:01.000Z",
				 "user":{"id":1,"name":"Dana","username":"dana"},
				 "environment":{"id":9,"name":"%6$s","external_url":null},
				 "deployable":{"id":%5$d,"name":"deploy","stage":"deploy","status":"manual","ref":"main",
				  "web_url":"%7$s/%3$s/-/jobs/%5$d",
				  "commit":{"id":"279484c09fbe69ededfced8c1bb6e6d24616b468","short_id":"279484c0",
				   "title":"Add new file","message":"Add new file\\n"},
				  "pipeline":{"id":%4$d,"iid":12,"project_id":%2$d,"sha":"279484c09fbe69ededfced8c1bb6e6d24616b468",
				   "ref":"main","status":"manual","web_url":"%7$s/%3$s/-/pipelines/%4$d"}}}""".formatted(deployment,
				projectId, path, pipeline, job, environment, base());
	}

	private HttpResponse<String> hook(String body) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/gitlab"))
			.header("Content-Type", "application/json")
			.header("X-Gitlab-Event", "Deployment Hook")
			.header("X-Gitlab-Token", "gl-token")
			.header("X-Gitlab-Event-UUID", UUID.randomUUID().toString())
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		try {
			return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static List<LoggedRequest> approvals(String projectPath, long deployment) {
		return gitlab
			.findAll(postRequestedFor(urlPathEqualTo(projectPath + "/deployments/" + deployment + "/approval")));
	}

	private static JsonNode json(LoggedRequest request) {
		return tools.jackson.databind.json.JsonMapper.builder().build().readTree(request.getBodyAsString());
	}

	private static int polls(String projectPath) {
		return gitlab.findAll(getRequestedFor(urlPathEqualTo(projectPath + "/deployments"))).size();
	}

	private List<Map<String, Object>> reviews(String gate) {
		return this.jdbc.sql("SELECT subject, status, decision_id FROM tollgate.gate_review WHERE gate = ?")
			.param(gate)
			.query()
			.listOfRows();
	}

	private static long id() {
		return ThreadLocalRandom.current().nextLong(100_000L, 900_000_000L);
	}

	private static String base() {
		return "http://127.0.0.1:" + gitlab.port();
	}

	private static Path secretFile() {
		try {
			Path dir = Files.createTempDirectory("tollgate-gitlab-gate");
			Files.writeString(dir.resolve("gitlab"), TOKEN);
			dir.toFile().deleteOnExit();
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
