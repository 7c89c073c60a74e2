package dev.tollgate.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import dev.tollgate.support.JiraStub;
import dev.tollgate.signature.HmacSignature;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static dev.tollgate.support.ApiClient.created;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
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
 * Allowed transitions start exactly one run on each kind of CI system (WireMock stands in
 * for GitHub, GitLab and Jenkins), failures heal or end as dead jobs that can be
 * re-driven, results come back as callbacks and comments, and no credential value ever
 * shows.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = { "tollgate.pipeline.breaker-failures=2", "tollgate.pipeline.breaker-open-for=2s" })
class PipelineFlowTests extends IntegrationTest {

	private static final String GITHUB_TOKEN = "ghp_flowtest_secret_0123456789";

	private static final String GITLAB_TOKEN = "glptt-flowtest-secret-9876";

	private static final String JENKINS_TOKEN = "11aa22bb33cc44dd55ee66ff77";

	private static final WireMockServer ci = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private static final WireMockServer jira = JiraStub.start();

	private static final Path secrets = secretFiles();

	static {
		ci.start();
	}

	@Autowired
	private JdbcClient jdbc;

	private String suffix;

	private String project;

	@DynamicPropertySource
	static void stubs(DynamicPropertyRegistry registry) {
		JiraStub.register(registry, jira);
		registry.add("tollgate.credentials.file-roots", secrets::toString);
	}

	/** Every comment any test here made Tollgate post is valid ADF. */
	@org.junit.jupiter.api.AfterEach
	void everyCommentIsValidAdf() {
		jira.findAll(postRequestedFor(urlPathMatching("/rest/api/3/issue/.*/comment")))
			.forEach((request) -> dev.tollgate.support.Adf.assertValidComment(request.getBodyAsString()));
	}

	@AfterAll
	static void stop() {
		ci.stop();
		jira.stop();
	}

	@BeforeEach
	void setUp() {
		JiraStub.acceptComments(jira);
		this.suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		this.project = JiraPayloads.projectKey('C', this.suffix);
		created(api().post("/api/v1/roles", "{\"name\":\"deployer-" + this.suffix + "\"}"));
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"deployer-" + this.suffix + "\",\"subjectType\":\"USER\",\"subject\":\"acc-deployer\"}"));
	}

	@Test
	void anAllowedTransitionStartsExactlyOneRunOnEachKindAndReportsBack() {
		String workflow = "deploy-" + this.suffix + ".yml";
		String glProject = "acme/shop-" + this.suffix;
		String job = "team/deploy-" + this.suffix;
		ci.stubFor(post(urlPathEqualTo("/repos/acme/shop/actions/workflows/" + workflow + "/dispatches"))
			.willReturn(okJson("{\"workflow_run_id\":4711,\"run_url\":\"http://127.0.0.1/api/runs/4711\","
					+ "\"html_url\":\"https://github.com/acme/shop/actions/runs/4711\"}")));
		ci.stubFor(post(urlPathEqualTo("/api/v4/projects/acme%2Fshop-" + this.suffix + "/trigger/pipeline"))
			.willReturn(aResponse().withStatus(201)
				.withBody("{\"id\":99,\"web_url\":\"https://gitlab.com/acme/shop/-/pipelines/99\"}")));
		ci.stubFor(post(urlPathEqualTo("/job/team/job/deploy-" + this.suffix + "/buildWithParameters"))
			.willReturn(aResponse().withStatus(201).withHeader("Location", base() + "/queue/item/39/")));
		ci.stubFor(get(urlPathEqualTo("/queue/item/39/api/json")).willReturn(
				okJson("{\"executable\":{\"number\":35,\"url\":\"https://ci.acme.io/job/team/job/deploy/35/\"}}")));
		target("{\"name\":\"gh-%s\",\"kind\":\"GITHUB_ACTIONS\",\"baseUrl\":\"%s\",\"repository\":\"acme/shop\","
				+ "\"workflow\":\"" + workflow + "\",\"ref\":\"main\",\"credentialRef\":\"file:%s\","
				+ "\"inputs\":{\"issue\":\"{{issue.key}}\"}}", "github");
		target("{\"name\":\"gl-%s\",\"kind\":\"GITLAB\",\"baseUrl\":\"%s\",\"project\":\"" + glProject
				+ "\",\"ref\":\"main\",\"credentialRef\":\"file:%s\",\"variables\":{\"JIRA_ISSUE\":\"{{issue.key}}\"}}",
				"gitlab");
		target("{\"name\":\"jk-%s\",\"kind\":\"JENKINS\",\"baseUrl\":\"%s\",\"job\":\"" + job
				+ "\",\"credentialRef\":\"file:%s\",\"parameters\":{\"ISSUE\":\"{{issue.key}}\"}}", "jenkins");
		for (String kind : List.of("gh", "gl", "jk")) {
			rule(kind, kind + "-" + this.suffix);
		}
		String issueKey = transition("acc-deployer", "Deploy");
		await().atMost(Duration.ofSeconds(30)).until(() -> events(issueKey, "TRIGGER_SUCCEEDED").size() == 3);
		assertThat(ci.findAll(
				postRequestedFor(urlPathEqualTo("/repos/acme/shop/actions/workflows/" + workflow + "/dispatches"))))
			.hasSize(1);
		assertThat(ci.findAll(
				postRequestedFor(urlPathEqualTo("/api/v4/projects/acme%2Fshop-" + this.suffix + "/trigger/pipeline"))))
			.hasSize(1);
		assertThat(ci
			.findAll(postRequestedFor(urlPathEqualTo("/job/team/job/deploy-" + this.suffix + "/buildWithParameters"))))
			.hasSize(1);
		assertThat(events(issueKey, "TRIGGER_SUCCEEDED")).extracting((e) -> e.get("runUrl").asString())
			.containsExactlyInAnyOrder("https://github.com/acme/shop/actions/runs/4711",
					"https://gitlab.com/acme/shop/-/pipelines/99", "https://ci.acme.io/job/team/job/deploy/35/");

		String callback = """
				{"action":"completed","workflow_run":{"id":4711,"name":"deploy","display_title":"deploy","conclusion":"success",
				 "status":"completed","html_url":"https://github.com/acme/shop/actions/runs/4711",
				 "run_started_at":"2026-11-26T10:00:00Z","updated_at":"2026-11-26T10:02:00Z"},
				 "repository":{"full_name":"acme/shop"}}""";
		HttpResponse<String> reported = postCallback("/webhooks/github", callback,
				Map.of("X-GitHub-Event", "workflow_run", "X-Hub-Signature-256",
						HmacSignature.sign("gh-new-secret", callback.getBytes(StandardCharsets.UTF_8))));
		assertThat(reported.statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(15))
			.until(() -> comments(issueKey).stream().anyMatch((c) -> c.contains("PIPELINE SUCCEEDED")));
		List<String> comments = comments(issueKey);
		assertThat(comments).filteredOn((c) -> c.contains("ALLOWED") && c.contains("gh-" + this.suffix)).hasSize(1);
		assertThat(comments.stream().filter((c) -> c.contains("PIPELINE SUCCEEDED")).findFirst().orElseThrow())
			.contains("https://github.com/acme/shop/actions/runs/4711");
	}

	@Test
	void inputsSentAsTextAreSaidSoInTheAudit() {
		// The project refuses pipeline variables (GitLab's 400 for that), takes inputs;
		// a trigger token cannot learn their declared types.
		String glProject = "acme/inputs-" + this.suffix;
		String path = "/api/v4/projects/acme%2Finputs-" + this.suffix + "/trigger/pipeline";
		ci.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing("variables%5B"))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"message\":{\"base\":[\"Insufficient permissions to set pipeline variables\"]}}")));
		ci.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing("inputs%5B"))
			.willReturn(aResponse().withStatus(201)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"id\":98,\"web_url\":\"https://gitlab.com/acme/shop/-/pipelines/98\"}")));
		target("{\"name\":\"gl-%s\",\"kind\":\"GITLAB\",\"baseUrl\":\"%s\",\"project\":\"" + glProject
				+ "\",\"ref\":\"main\",\"credentialRef\":\"file:%s\"}", "gitlab");
		rule("gl", "gl-" + this.suffix);
		String issueKey = transition("acc-deployer", "Deploy");
		await().atMost(Duration.ofSeconds(30)).until(() -> events(issueKey, "TRIGGER_SUCCEEDED").size() == 1);
		JsonNode event = events(issueKey, "TRIGGER_SUCCEEDED").get(0);
		assertThat(event.get("reason").asString()).contains("pipelines/98", "Inputs were sent as text",
				"trigger token cannot read the CI file's spec:inputs");
		assertThat(event.toString()).contains("\"note\"");
	}

	@Test
	void aPermanentFailureIsADeadJobThatCanBeRedrivenAfterTheFix() {
		String workflow = "missing-" + this.suffix + ".yml";
		String path = "/repos/acme/shop/actions/workflows/" + workflow + "/dispatches";
		ci.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(404)
			.withBody("{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com\"}")));
		target("{\"name\":\"gh-%s\",\"kind\":\"GITHUB_ACTIONS\",\"baseUrl\":\"%s\",\"repository\":\"acme/shop\","
				+ "\"workflow\":\"" + workflow + "\",\"ref\":\"main\",\"credentialRef\":\"file:%s\"}", "github");
		rule("gh", "gh-" + this.suffix);
		String issueKey = transition("acc-deployer", "Deploy");
		await().atMost(Duration.ofSeconds(20)).until(() -> events(issueKey, "TRIGGER_FAILED").size() == 1);
		assertThat(events(issueKey, "TRIGGER_FAILED").get(0).get("reason").asString()).contains("404");
		JsonNode dead = body(api().get("/api/v1/jobs?status=DEAD&kind=TRIGGER&limit=1000")).get("items")
			.valueStream()
			.filter((j) -> j.get("lastError").asString().contains("404"))
			.reduce((first, second) -> second)
			.orElseThrow();
		assertThat(dead.get("attempts").asInt()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> comments(issueKey).stream().anyMatch((c) -> c.contains("TRIGGER FAILED")));

		ci.stubFor(post(urlPathEqualTo(path)).willReturn(
				okJson("{\"workflow_run_id\":5001,\"html_url\":\"https://github.com/acme/shop/actions/runs/5001\"}")));
		assertThat(api().post("/api/v1/jobs/" + dead.get("id").asLong() + "/retry", "").statusCode()).isEqualTo(202);
		// Every admin change is audited, a re-drive too.
		assertThat(body(api().get("/api/v1/audit?type=POLICY_CHANGED&limit=1")).get("items")
			.get(0)
			.get("reason")
			.asString()).contains("re-queued dead job " + dead.get("id").asLong());
		await().atMost(Duration.ofSeconds(20)).until(() -> events(issueKey, "TRIGGER_SUCCEEDED").size() == 1);
		assertThat(api().post("/api/v1/jobs/" + dead.get("id").asLong() + "/retry", "").statusCode()).isEqualTo(409);
	}

	@Test
	void anOutageOpensTheCircuitDefersJobsAndTheBacklogDrainsAfterRecovery() {
		String glProject = "acme/flaky-" + this.suffix;
		String path = "/api/v4/projects/acme%2Fflaky-" + this.suffix + "/trigger/pipeline";
		String scenario = "outage-" + this.suffix;
		ci.stubFor(post(urlPathEqualTo(path)).inScenario(scenario)
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503)));
		ci.stubFor(post(urlPathEqualTo(path)).inScenario(scenario)
			.whenScenarioStateIs("up")
			.willReturn(aResponse().withStatus(201).withBody("{\"id\":7,\"web_url\":\"https://gitlab.com/p/7\"}")));
		target("{\"name\":\"gl-%s\",\"kind\":\"GITLAB\",\"baseUrl\":\"%s\",\"project\":\"" + glProject
				+ "\",\"ref\":\"main\",\"credentialRef\":\"file:%s\"}", "gitlab");
		rule("gl", "gl-" + this.suffix);
		String issueKey = transition("acc-deployer", "Deploy");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> triggerJobs(issueKey).stream()
				.anyMatch((j) -> String.valueOf(j.get("last_error")).contains("circuit")));
		int requestsWhileOpen = ci.findAll(postRequestedFor(urlPathEqualTo(path))).size();
		assertThat(requestsWhileOpen).isGreaterThanOrEqualTo(2);
		String second = transition("acc-deployer", "Deploy");
		ci.setScenarioState(scenario, "up");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> events(issueKey, "TRIGGER_SUCCEEDED").size() == 1
					&& events(second, "TRIGGER_SUCCEEDED").size() == 1);
		assertThat(triggerJobs(issueKey).get(0).get("status")).isEqualTo("SUCCEEDED");
		// Deferred by the breaker, not burned: far fewer attempts than the outage lasted
		// polls.
		assertThat((Integer) triggerJobs(issueKey).get(0).get("attempts")).isLessThanOrEqualTo(4);
	}

	@Test
	void noCredentialValueShowsAnywhere(CapturedOutput output) {
		String glProject = "acme/leaky-" + this.suffix;
		// An upstream that echoes the token in its error must not make Tollgate repeat
		// it.
		ci.stubFor(post(urlPathEqualTo("/api/v4/projects/acme%2Fleaky-" + this.suffix + "/trigger/pipeline"))
			.willReturn(aResponse().withStatus(401)
				.withBody("{\"message\":\"401 Unauthorized: token " + GITLAB_TOKEN + "\"}")));
		target("{\"name\":\"gl-%s\",\"kind\":\"GITLAB\",\"baseUrl\":\"%s\",\"project\":\"" + glProject
				+ "\",\"ref\":\"main\",\"credentialRef\":\"file:%s\"}", "gitlab");
		rule("gl", "gl-" + this.suffix);
		String issueKey = transition("acc-deployer", "Deploy");
		await().atMost(Duration.ofSeconds(20)).until(() -> events(issueKey, "TRIGGER_FAILED").size() == 1);
		String everything = output.getAll()
				+ this.jdbc.sql("SELECT string_agg(e::text, '\n') FROM tollgate.audit_event e")
					.query(String.class)
					.single()
				+ this.jdbc.sql("SELECT string_agg(j::text, '\n') FROM tollgate.job j").query(String.class).single()
				+ api().get("/api/v1/audit?limit=1000").body() + api().get("/api/v1/jobs?limit=1000").body()
				+ api().get("/api/v1/targets").body() + api().get("/api/v1/policy").body()
				+ api().get("/api/v1/policy", "application/yaml").body()
				+ jira.getAllServeEvents()
					.stream()
					.map((e) -> e.getRequest().getBodyAsString())
					.reduce("", String::concat);
		for (String secret : List.of(GITHUB_TOKEN, GITLAB_TOKEN, JENKINS_TOKEN, SECRET, SECOND_SECRET, ADMIN_TOKEN,
				JiraStub.API_TOKEN)) {
			assertThat(everything).as("no trace of a credential").doesNotContain(secret);
		}
		assertThat(everything).contains("file:" + secrets.resolve("gitlab"));
	}

	private void target(String template, String credential) {
		String kind = template.substring(template.indexOf("\"name\":\"") + 8, template.indexOf("-%s"));
		created(api().post("/api/v1/targets", template.formatted(this.suffix, base(), secrets.resolve(credential))));
		assertThat(kind).isNotBlank();
	}

	private void rule(String name, String target) {
		created(api().post("/api/v1/rules", """
				{"name":"%1$s %2$s","projectKey":"%3$s","fromStatus":"*","toStatus":"Deploy",
				 "allowedRoles":["deployer-%2$s"],"target":"%4$s"}""".formatted(name, this.suffix, this.project,
				target)));
	}

	private String transition(String actor, String to) {
		String id = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, 9_000_000_000L));
		assertThat(webhooks()
			.send(JiraPayloads.transition(id, id, this.project, actor, "In Progress", to), UUID.randomUUID().toString())
			.statusCode()).isEqualTo(202);
		return this.project + "-" + id;
	}

	private List<JsonNode> events(String issueKey, String type) {
		return body(api().get("/api/v1/audit?issueKey=" + issueKey + "&type=" + type)).get("items")
			.valueStream()
			.toList();
	}

	private List<Map<String, Object>> triggerJobs(String issueKey) {
		return this.jdbc.sql(
				"SELECT status, attempts, last_error FROM tollgate.job WHERE kind = 'TRIGGER' AND payload->>'issueKey' = ?")
			.param(issueKey)
			.query()
			.listOfRows();
	}

	private List<String> comments(String issueKey) {
		return jira.findAll(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/" + issueKey + "/comment")))
			.stream()
			.map((r) -> r.getBodyAsString())
			.toList();
	}

	private HttpResponse<String> postCallback(String path, String body, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		headers.forEach(request::header);
		try {
			return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String base() {
		return "http://127.0.0.1:" + ci.port();
	}

	private static Path secretFiles() {
		try {
			Path dir = Files.createTempDirectory("tollgate-secrets");
			Files.writeString(dir.resolve("github"), GITHUB_TOKEN + "\n");
			Files.writeString(dir.resolve("gitlab"), GITLAB_TOKEN);
			Files.writeString(dir.resolve("jenkins"), "deploy-bot:" + JENKINS_TOKEN);
			dir.toFile().deleteOnExit();
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
