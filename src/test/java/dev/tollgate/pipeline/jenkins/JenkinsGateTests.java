package dev.tollgate.pipeline.jenkins;

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
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.tollgate.signature.HmacSignature;
import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import dev.tollgate.support.JiraStub;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.tollgate.support.ApiClient.created;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
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
 * Jenkins pipelines paused at {@code input id: 'Tollgate'}, end to end: a signed
 * {@code WAITING} notification over HTTP, the review job, and the answer on a WireMock
 * Jenkins that lives under a context path ({@code /jenkins}); Jira is a WireMock too. And
 * the results of builds whose number Tollgate did not learn at dispatch, which count only
 * once Jenkins confirms the build's own decision parameter, as a gate's question does.
 */
class JenkinsGateTests extends IntegrationTest {

	private static final String JENKINS_TOKEN = "11bb22cc33dd44ee55ff66aa77";

	private static final String USER = "tollgate-bot";

	private static final String BASIC = "Basic "
			+ Base64.getEncoder().encodeToString((USER + ":" + JENKINS_TOKEN).getBytes(StandardCharsets.UTF_8));

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

	private String target;

	private String job;

	@DynamicPropertySource
	static void stubs(DynamicPropertyRegistry registry) {
		JiraStub.register(registry, jira);
		registry.add("tollgate.credentials.file-roots", secrets::toString);
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
		this.project = JiraPayloads.projectKey('J', this.suffix);
		this.target = "jk-" + this.suffix;
		this.job = "team/deploy-" + this.suffix;
		created(api().post("/api/v1/roles", "{\"name\":\"deployer-" + this.suffix + "\"}"));
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"deployer-" + this.suffix + "\",\"subjectType\":\"USER\",\"subject\":\"acc-deployer\"}"));
		created(api().post("/api/v1/targets", """
				{"name":"%s","kind":"JENKINS","baseUrl":"%s","job":"%s","credentialRef":"file:%s",
				 "parameters":{"ISSUE":"{{issue.key}}"}}""".formatted(this.target, base(), this.job,
				secrets.resolve("jenkins"))));
		created(api().post("/api/v1/gates", """
				{"name":"%s","target":"%s","environment":"production"}""".formatted(this.target, this.target)));
		ci.stubFor(post(urlPathMatching("/jenkins" + jobPath() + "/[0-9]+/input/Tollgate/(proceedEmpty|abort)"))
			.willReturn(aResponse().withStatus(200)));
	}

	@Test
	void aRunTollgateStartedForAnAllowedDecisionProceeds() {
		Started run = startedRun(35);
		String waiting = waiting(run.buildUrl(), run.number(), run.decisionId(), null);
		HttpResponse<String> response = send(waiting);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		assertThat(body(response).get("status").asString()).isEqualTo("QUEUED");

		await().atMost(Duration.ofSeconds(20)).until(() -> answers(run.number(), "proceedEmpty") == 1);
		assertThat(ci.findAll(postRequestedFor(urlPathEqualTo(inputPath(run.number(), "proceedEmpty"))))
			.get(0)
			.getHeader("Authorization")).isEqualTo(BASIC);
		assertThat(answers(run.number(), "abort")).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> review(run.buildUrl()).get("answered").asBoolean());
		JsonNode review = review(run.buildUrl());
		assertThat(review.get("status").asString()).isEqualTo("APPROVED");
		assertThat(review.get("decisionId").asString()).isEqualTo(run.decisionId().toString());
		JsonNode approved = gateEvents("GATE_APPROVED").get(0);
		assertThat(approved.get("decisionId").asString()).isEqualTo(run.decisionId().toString());
		assertThat(approved.get("issueKey").asString()).isEqualTo(run.issueKey());
		assertThat(approved.get("runUrl").asString()).isEqualTo(run.buildUrl());
		assertThat(approved.get("reason").asString()).contains("Tollgate started this run").contains("allowed");
	}

	@Test
	void aBuildTollgateDidNotStartIsAbortedWithTheCrumbJenkinsAsksFor() {
		int number = 7;
		String buildUrl = base() + jobPath() + "/" + number + "/";
		// Jenkins refuses the first POST without a crumb, as with CSRF protection on.
		ci.stubFor(post(urlPathEqualTo(inputPath(number, "abort"))).atPriority(1)
			.withHeader("Jenkins-Crumb", absent())
			.willReturn(
					aResponse().withStatus(403).withBody("<html>No valid crumb was included in the request</html>")));
		ci.stubFor(get(urlPathEqualTo("/jenkins/crumbIssuer/api/json"))
			.willReturn(okJson("{\"crumbRequestField\":\"Jenkins-Crumb\",\"crumb\":\"c0ffee\"}")
				.withHeader("Set-Cookie", "JSESSIONID.abc=session-1; Path=/; HttpOnly")));
		ci.stubFor(post(urlPathEqualTo(inputPath(number, "abort"))).atPriority(1)
			.withHeader("Jenkins-Crumb", equalTo("c0ffee"))
			.withHeader("Cookie", equalTo("JSESSIONID.abc=session-1"))
			.willReturn(aResponse().withStatus(200)));

		HttpResponse<String> response = send(waiting(buildUrl, number, null, null));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		assertThat(body(response).get("status").asString()).isEqualTo("QUEUED");

		await().atMost(Duration.ofSeconds(20))
			.until(() -> ci
				.findAll(postRequestedFor(urlPathEqualTo(inputPath(number, "abort"))).withHeader("Jenkins-Crumb",
						equalTo("c0ffee")))
				.size() == 1);
		assertThat(answers(number, "proceedEmpty")).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> review(buildUrl).get("answered").asBoolean());
		assertThat(review(buildUrl).get("status").asString()).isEqualTo("REJECTED");
		JsonNode rejected = gateEvents("GATE_REJECTED").get(0);
		assertThat(rejected.get("outcome").asString()).isEqualTo("REJECTED");
		assertThat(rejected.get("reason").asString()).contains("Tollgate did not start this run");
	}

	@Test
	void aBuildUrlOutsideTheTargetIsRefusedWith422AndAudited() {
		List<String> outside = List.of("http://127.0.0.2:" + ci.port() + "/jenkins" + jobPath() + "/8/",
				"http://127.0.0.1:" + (ci.port() + 1) + "/jenkins" + jobPath() + "/8/",
				"https://127.0.0.1:" + ci.port() + "/jenkins" + jobPath() + "/8/",
				"http://127.0.0.1:" + ci.port() + "/jenkins-other" + jobPath() + "/8/",
				"http://127.0.0.1:" + ci.port() + jobPath() + "/8/",
				"http://someone@127.0.0.1:" + ci.port() + "/jenkins" + jobPath() + "/8/",
				base() + jobPath() + "/8/?next=/script", base() + jobPath() + "/8/../../../../../script/",
				base() + jobPath() + "/8/%2e%2e/%2e%2e/", base() + jobPath() + "/8/artifact/");
		for (String url : outside) {
			HttpResponse<String> response = send(waiting(url, 8, null, null));
			assertThat(response.statusCode()).as(url).isEqualTo(422);
			assertThat(body(response).get("type").asString()).as(url).contains("gate");
		}
		// The build URL must name the build the notification names.
		HttpResponse<String> otherBuild = send(waiting(base() + jobPath() + "/9/", 8, null, null));
		assertThat(otherBuild.statusCode()).isEqualTo(422);

		List<JsonNode> refused = gateEvents("GATE_REJECTED");
		assertThat(refused).hasSize(outside.size() + 1)
			.allSatisfy((event) -> assertThat(event.get("outcome").asString()).isEqualTo("REFUSED"));
		assertThat(refused).extracting((event) -> event.get("reason").asString())
			.allSatisfy((reason) -> assertThat(reason).startsWith("Refused to answer: the build URL"));
		assertThat(refused).extracting((event) -> event.get("runUrl").asString()).containsAll(outside.subList(0, 3));
		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.gate_review WHERE target = ?")
			.param(this.target)
			.query(Long.class)
			.single()).isZero();
		assertThat(ci.findAll(anyRequestedFor(urlPathMatching("/jenkins" + jobPath() + "/.*")))).isEmpty();
	}

	@Test
	void theSameWaitingSentTwiceIsAnsweredOnce() {
		Started run = startedRun(41);
		String waiting = waiting(run.buildUrl(), run.number(), run.decisionId(), null);
		assertThat(body(send(waiting)).get("status").asString()).isEqualTo("QUEUED");
		assertThat(body(send(waiting)).get("status").asString()).isEqualTo("DUPLICATE");
		await().atMost(Duration.ofSeconds(20)).until(() -> review(run.buildUrl()).get("answered").asBoolean());
		// Once answered, another delivery is still the same review.
		HttpResponse<String> late = send(waiting);
		assertThat(late.statusCode()).isEqualTo(202);
		assertThat(body(late).get("status").asString()).isEqualTo("DUPLICATE");
		assertThat(answers(run.number(), "proceedEmpty")).isEqualTo(1);
		assertThat(answers(run.number(), "abort")).isZero();
		assertThat(gateEvents("GATE_APPROVED")).hasSize(1);
		assertThat(gateEvents("GATE_REQUESTED")).hasSize(1);
	}

	@Test
	void aJenkinsThatIsDownGetsTheAnswerWhenItIsBack() {
		int number = 12;
		String buildUrl = base() + jobPath() + "/" + number + "/";
		String scenario = "restart-" + this.suffix;
		ci.stubFor(post(urlPathEqualTo(inputPath(number, "abort"))).atPriority(1)
			.inScenario(scenario)
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("up"));
		ci.stubFor(post(urlPathEqualTo(inputPath(number, "abort"))).atPriority(1)
			.inScenario(scenario)
			.whenScenarioStateIs("up")
			.willReturn(aResponse().withStatus(200)));
		assertThat(body(send(waiting(buildUrl, number, null, null))).get("status").asString()).isEqualTo("QUEUED");
		await().atMost(Duration.ofSeconds(20)).until(() -> review(buildUrl).get("answered").asBoolean());
		assertThat(answers(number, "abort")).as("the 503, then the answer that went through").isEqualTo(2);
		assertThat(answers(number, "proceedEmpty")).isZero();
		assertThat(review(buildUrl).get("status").asString()).isEqualTo("REJECTED");
		assertThat(gateEvents("GATE_REJECTED")).hasSize(1);
	}

	@Test
	void aBuildNotLearntAtDispatchIsTheDecisionsRunWhenItsParameterSaysSo() {
		Started run = startedWithQueueItemLost(41);
		stubBuildParameters(41, run.decisionId().toString());

		assertThat(body(send(waiting(run.buildUrl(), 41, run.decisionId(), null))).get("status").asString())
			.isEqualTo("QUEUED");

		await().atMost(Duration.ofSeconds(20)).until(() -> review(run.buildUrl()).get("answered").asBoolean());
		assertThat(review(run.buildUrl()).get("status").asString()).isEqualTo("APPROVED");
		assertThat(answers(41, "proceedEmpty")).isEqualTo(1);
		ci.verify(getRequestedFor(urlPathEqualTo("/jenkins" + jobPath() + "/41/api/json"))
			.withQueryParam("tree", equalTo("actions[parameters[name,value]]"))
			.withHeader("Authorization", equalTo(BASIC)));
	}

	@Test
	void aBuildNotLearntAtDispatchThatClaimsTheDecisionButCarriesAnotherIsNotItsRun() {
		// The decision's queue item was lost, so its run has no build number; another
		// build of the job names that decision in its notification, but its own
		// parameter is another decision's.
		Started run = startedWithQueueItemLost(42);
		stubBuildParameters(42, UUID.randomUUID().toString());

		assertThat(body(send(waiting(run.buildUrl(), 42, run.decisionId(), null))).get("status").asString())
			.isEqualTo("QUEUED");

		await().atMost(Duration.ofSeconds(20)).until(() -> review(run.buildUrl()).get("answered").asBoolean());
		assertThat(review(run.buildUrl()).get("status").asString()).isEqualTo("REJECTED");
		assertThat(answers(42, "abort")).isEqualTo(1);
		assertThat(answers(42, "proceedEmpty")).isZero();
		assertThat(gateEvents("GATE_REJECTED").get(0).get("reason").asString())
			.contains("Tollgate did not start this run");
	}

	@Test
	void aBuildNotLearntAtDispatchHasItsNumberRecordedOnceItsParameterConfirmedIt() {
		Started run = startedWithQueueItemLost(43);
		stubBuildParameters(43, run.decisionId().toString());
		assertThat(body(send(waiting(run.buildUrl(), 43, run.decisionId(), null))).get("status").asString())
			.isEqualTo("QUEUED");
		await().atMost(Duration.ofSeconds(20)).until(() -> review(run.buildUrl()).get("answered").asBoolean());
		assertThat(review(run.buildUrl()).get("status").asString()).isEqualTo("APPROVED");
		assertThat(runId(run)).isEqualTo("43");

		// Its result is then matched by job and number: Jenkins is not asked again.
		HttpResponse<String> result = send(finished(run.buildUrl(), 43, run.decisionId(), "SUCCESS"));
		assertThat(result.statusCode()).as(result.body()).isEqualTo(200);
		assertThat(parameterReads(43)).isEqualTo(1);
	}

	@Test
	void aGateNotificationForALearntBuildDoesNotAskJenkinsForItsParameters() {
		Started run = startedRun(44);
		assertThat(body(send(waiting(run.buildUrl(), 44, run.decisionId(), null))).get("status").asString())
			.isEqualTo("QUEUED");
		await().atMost(Duration.ofSeconds(20)).until(() -> review(run.buildUrl()).get("answered").asBoolean());
		assertThat(review(run.buildUrl()).get("status").asString()).isEqualTo("APPROVED");
		assertThat(answers(44, "proceedEmpty")).isEqualTo(1);
		assertThat(parameterReads(44)).isZero();
	}

	@Test
	void aDecisionIdInTheIssueKeyFieldOfABuildNotLearntIsNotTakenForItsRun() {
		// Not a key as Jira spells them, so it is only searched: never as a decision id
		// that Jenkins did not confirm.
		Started run = startedWithQueueItemLost(45);
		assertThat(body(send(waiting(run.buildUrl(), 45, null, run.decisionId().toString()))).get("status").asString())
			.isEqualTo("QUEUED");
		await().atMost(Duration.ofSeconds(20)).until(() -> review(run.buildUrl()).get("answered").asBoolean());
		assertThat(review(run.buildUrl()).get("status").asString()).isEqualTo("REJECTED");
		assertThat(answers(45, "proceedEmpty")).isZero();
		assertThat(runId(run)).isNull();
	}

	@Test
	void aResultFromABuildNotLearntAtDispatchIsAttachedWhenItsParameterSaysSoAndItsNumberRecorded() {
		Started run = startedWithQueueItemLost(51);
		stubBuildParameters(51, run.decisionId().toString());

		HttpResponse<String> completed = send(finished(run.buildUrl(), 51, run.decisionId(), "SUCCESS"));
		assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
		assertThat(body(completed).get("status").asString()).isEqualTo("COMPLETED");
		JsonNode event = events(run.issueKey(), "PIPELINE_COMPLETED").get(0);
		assertThat(event.get("outcome").asString()).isEqualTo("SUCCEEDED");
		assertThat(event.get("decisionId").asString()).isEqualTo(run.decisionId().toString());
		assertThat(runId(run)).isEqualTo("51");
		ci.verify(1,
				getRequestedFor(urlPathEqualTo("/jenkins" + jobPath() + "/51/api/json"))
					.withQueryParam("tree", equalTo("actions[parameters[name,value]]"))
					.withHeader("Authorization", equalTo(BASIC)));

		// The FINALIZED that follows is matched by job and number, without asking
		// Jenkins.
		HttpResponse<String> finalized = send(
				finished(run.buildUrl(), 51, run.decisionId(), "SUCCESS").replace("COMPLETED", "FINALIZED"));
		assertThat(body(finalized).get("status").asString()).isEqualTo("DUPLICATE");
		assertThat(parameterReads(51)).isEqualTo(1);
		assertThat(events(run.issueKey(), "PIPELINE_COMPLETED")).hasSize(1);
	}

	@Test
	void aResultFromABuildThatClaimsTheDecisionButCarriesAnotherIsUnmatched() {
		Started run = startedWithQueueItemLost(52);
		stubBuildParameters(52, UUID.randomUUID().toString());

		HttpResponse<String> response = send(finished(run.buildUrl(), 52, run.decisionId(), "SUCCESS"));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		assertThat(body(response).get("status").asString()).isEqualTo("UNMATCHED");
		assertThat(events(run.issueKey(), "PIPELINE_COMPLETED")).isEmpty();
		assertThat(this.jdbc
			.sql("SELECT completed_at IS NULL AND run_id IS NULL FROM tollgate.pipeline_run" + " WHERE decision_id = ?")
			.param(run.decisionId())
			.query(Boolean.class)
			.single()).as("the run neither completed nor given the build's number").isTrue();
		assertThat(parameterReads(52)).isEqualTo(1);
	}

	@Test
	void aResultWhileJenkinsCannotBeAskedIsNotLostButAnswered503ToBeSentAgain() {
		Started run = startedWithQueueItemLost(53);
		ci.stubFor(get(urlPathEqualTo("/jenkins" + jobPath() + "/53/api/json"))
			.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		String body = finished(run.buildUrl(), 53, run.decisionId(), "FAILURE");

		HttpResponse<String> unreachable = send(body);
		assertThat(unreachable.statusCode()).as(unreachable.body()).isEqualTo(503);
		assertThat(unreachable.headers().firstValue("Retry-After")).hasValue("30");
		assertThat(unreachable.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(events(run.issueKey(), "PIPELINE_COMPLETED")).isEmpty();
		assertThat(runId(run)).isNull();

		// Jenkins restarting answers 503: still to be sent again.
		ci.stubFor(
				get(urlPathEqualTo("/jenkins" + jobPath() + "/53/api/json")).willReturn(aResponse().withStatus(503)));
		assertThat(send(body).statusCode()).isEqualTo(503);

		stubBuildParameters(53, run.decisionId().toString());
		HttpResponse<String> again = send(body);
		assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
		assertThat(events(run.issueKey(), "PIPELINE_COMPLETED").get(0).get("outcome").asString()).isEqualTo("FAILED");
		assertThat(runId(run)).isEqualTo("53");
	}

	@Test
	void aResultFromABuildNotLearntThatGivesNoUsableNumberIsUnmatchedWithoutAskingJenkins() {
		Started run = startedWithQueueItemLost(54);
		stubBuildParameters(54, run.decisionId().toString());
		String numbered = finished(run.buildUrl(), 54, run.decisionId(), "SUCCESS");
		for (String body : List.of(numbered.replace("\"number\":54,", ""),
				numbered.replace("\"number\":54", "\"number\":\"54/../../../script\""))) {
			HttpResponse<String> response = send(body);
			assertThat(response.statusCode()).as(body).isEqualTo(202);
			assertThat(body(response).get("status").asString()).as(body).isEqualTo("UNMATCHED");
		}
		assertThat(events(run.issueKey(), "PIPELINE_COMPLETED")).isEmpty();
		assertThat(ci.findAll(getRequestedFor(urlPathMatching("/jenkins" + jobPath() + "/[0-9].*")))).isEmpty();
		assertThat(runId(run)).isNull();
	}

	/** The build number recorded on the decision's run, {@code null} while unknown. */
	private String runId(Started run) {
		return this.jdbc.sql("SELECT run_id FROM tollgate.pipeline_run WHERE decision_id = ?")
			.param(run.decisionId())
			.query(String.class)
			.optional()
			.orElse(null);
	}

	/** How often Tollgate read this build's parameters. */
	private int parameterReads(int number) {
		return ci.findAll(getRequestedFor(urlPathEqualTo("/jenkins" + jobPath() + "/" + number + "/api/json"))).size();
	}

	/** A build's result, as the documented {@code post} step sends it. */
	private String finished(String url, int number, UUID decisionId, String result) {
		return """
				{"decisionId":"%s","job":"%s","number":%d,"url":"%s","phase":"COMPLETED","result":"%s",
				 "duration":61000}""".formatted(decisionId, this.job, number, url, result);
	}

	/**
	 * An allowed transition whose build Tollgate never learnt: the queue item is gone
	 * (404) when polled and the job's builds do not show it yet.
	 */
	private Started startedWithQueueItemLost(int number) {
		Started run = trigger(number, aResponse().withStatus(404));
		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.pipeline_run WHERE decision_id = ? AND run_id IS NULL")
			.param(run.decisionId())
			.query(Long.class)
			.single()).isEqualTo(1L);
		return run;
	}

	/** As Jenkins shows a build's parameters ({@code ParametersAction}). */
	private void stubBuildParameters(int number, String decisionId) {
		ci.stubFor(get(urlPathEqualTo("/jenkins" + jobPath() + "/" + number + "/api/json")).willReturn(okJson("""
				{"_class":"org.jenkinsci.plugins.workflow.job.WorkflowRun","actions":[
				  {"_class":"hudson.model.CauseAction"},
				  {"_class":"hudson.model.ParametersAction","parameters":[
				    {"_class":"hudson.model.StringParameterValue","name":"ISSUE","value":"OPS-1"},
				    {"_class":"hudson.model.StringParameterValue","name":"TOLLGATE_DECISION_ID","value":"%s"}]},
				  {}]}
				""".formatted(decisionId))));
	}

	/** A run Tollgate started: rule, allowed transition, trigger, build number known. */
	private Started startedRun(int number) {
		Started run = trigger(number, okJson(
				"{\"executable\":{\"number\":" + number + ",\"url\":\"" + base() + jobPath() + "/" + number + "/\"}}"));
		assertThat(events(run.issueKey(), "TRIGGER_SUCCEEDED").get(0).get("runUrl").asString())
			.isEqualTo(run.buildUrl());
		// The run is recorded under its build number: what the WAITING's number finds.
		assertThat(this.jdbc.sql("SELECT run_id FROM tollgate.pipeline_run WHERE decision_id = ?")
			.param(run.decisionId())
			.query(String.class)
			.single()).isEqualTo(String.valueOf(number));
		return run;
	}

	/**
	 * A rule, an allowed transition and its trigger, with the queue item answering
	 * {@code queueItemAnswer} when Tollgate follows it.
	 */
	private Started trigger(int number, ResponseDefinitionBuilder queueItemAnswer) {
		int queueItem = ThreadLocalRandom.current().nextInt(1000, 1_000_000);
		String buildUrl = base() + jobPath() + "/" + number + "/";
		ci.stubFor(post(urlPathEqualTo("/jenkins" + jobPath() + "/buildWithParameters"))
			.willReturn(aResponse().withStatus(201).withHeader("Location", base() + "/queue/item/" + queueItem + "/")));
		ci.stubFor(get(urlPathEqualTo("/jenkins/queue/item/" + queueItem + "/api/json")).willReturn(queueItemAnswer));
		ci.stubFor(get(urlPathEqualTo("/jenkins" + jobPath() + "/api/json")).willReturn(okJson("{\"allBuilds\":[]}")));
		created(api().post("/api/v1/rules", """
				{"name":"jk %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Deploy",
				 "allowedRoles":["deployer-%1$s"],"target":"%3$s"}""".formatted(this.suffix, this.project,
				this.target)));
		String id = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, 9_000_000_000L));
		assertThat(webhooks()
			.send(JiraPayloads.transition(id, id, this.project, "acc-deployer", "In Progress", "Deploy"),
					UUID.randomUUID().toString())
			.statusCode()).isEqualTo(202);
		String issueKey = this.project + "-" + id;
		await().atMost(Duration.ofSeconds(30)).until(() -> events(issueKey, "TRIGGER_SUCCEEDED").size() == 1);
		JsonNode triggered = events(issueKey, "TRIGGER_SUCCEEDED").get(0);
		return new Started(UUID.fromString(triggered.get("decisionId").asString()), issueKey, number, buildUrl);
	}

	private record Started(UUID decisionId, String issueKey, int number, String buildUrl) {
	}

	private String waiting(String url, int number, UUID decisionId, String issueKey) {
		return """
				{"phase":"WAITING","inputId":"Tollgate","environment":"production","job":"%s","url":"%s",
				 "number":%d,"decisionId":"%s","issueKey":"%s"}""".formatted(this.job, url, number,
				(decisionId != null) ? decisionId : "", (issueKey != null) ? issueKey : "");
	}

	private HttpResponse<String> send(String body) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/jenkins"))
			.header("Content-Type", "application/json")
			.header("X-Tollgate-Signature", HmacSignature.sign("jenkins-secret", body.getBytes(StandardCharsets.UTF_8)))
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

	private int answers(int number, String action) {
		return ci.findAll(postRequestedFor(urlPathEqualTo(inputPath(number, action)))).size();
	}

	/** The job's path below the base URL. */
	private String jobPath() {
		return "/job/team/job/deploy-" + this.suffix;
	}

	/** Where WireMock sees the answer: the base URL's path included. */
	private String inputPath(int number, String action) {
		return "/jenkins" + jobPath() + "/" + number + "/input/Tollgate/" + action;
	}

	/** The review of this build, as the admin API lists it. */
	private JsonNode review(String buildUrl) {
		return body(api().get("/api/v1/gates/reviews?limit=1000")).get("items")
			.valueStream()
			.filter((r) -> this.target.equals(r.get("target").asString())
					&& buildUrl.equals(r.get("runUrl").asString()))
			.findFirst()
			.orElseThrow();
	}

	/** This test's gate events: its target is unique to it. */
	private List<JsonNode> gateEvents(String type) {
		return body(api().get("/api/v1/audit?type=" + type + "&limit=1000")).get("items")
			.valueStream()
			.filter((event) -> this.target.equals(event.path("target").asString("")))
			.toList();
	}

	private List<JsonNode> events(String issueKey, String type) {
		return body(api().get("/api/v1/audit?issueKey=" + issueKey + "&type=" + type)).get("items")
			.valueStream()
			.toList();
	}

	private static String base() {
		return "http://127.0.0.1:" + ci.port() + "/jenkins";
	}

	private static Path secretFiles() {
		try {
			Path dir = Files.createTempDirectory("tollgate-secrets");
			Files.writeString(dir.resolve("jenkins"), USER + ":" + JENKINS_TOKEN);
			dir.toFile().deleteOnExit();
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
