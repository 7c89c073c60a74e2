package dev.tollgate.pipeline.gitlab;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.pipeline.TriggerRequest;
import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.outbound.OutboundPolicies;
import dev.tollgate.policy.Target;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

class GitLabPipelineClientTests {

	private static final WireMockServer gitlab = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

	private static final String TOKEN = "glptt-s3cr3t-Tr1gg3r-t0ken";

	private static final String TRIGGER_PATH = "/api/v4/projects/acme%2Fshop/trigger/pipeline";

	private static final String API_PATH = "/api/v4/projects/42/pipeline";

	private static final UUID DECISION = UUID.fromString("0190b6f2-6c3e-7c1a-9a4e-2f5d8e1c0b7a");

	private GitLabPipelineClient client;

	@BeforeAll
	static void start() {
		gitlab.start();
	}

	@AfterAll
	static void stop() {
		gitlab.stop();
	}

	@BeforeEach
	void setUp() {
		gitlab.resetAll();
		this.client = client(OutboundPolicies.forLocalStubs());
	}

	@AfterEach
	void tearDown() throws Exception {
		this.client.destroy();
	}

	// --- requests
	// -----------------------------------------------------------------------------

	@Test
	void triggerTokenPostsTheFormToTheEncodedProjectPath() {
		gitlab.stubFor(post(urlPathEqualTo(TRIGGER_PATH)).willReturn(created(257)));
		PipelineProvider.Run run = this.client.trigger(call(triggerTarget(base(), "acme/shop"), 1));
		assertThat(run)
			.isEqualTo(new PipelineProvider.Run("257", "https://gitlab.example.com/acme/shop/-/pipelines/257"));
		gitlab.verify(1,
				postRequestedFor(urlPathEqualTo(TRIGGER_PATH))
					.withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
					.withoutHeader("PRIVATE-TOKEN")
					.withFormParam("token", equalTo(TOKEN))
					.withFormParam("ref", equalTo("main"))
					.withFormParam("variables[JIRA_ISSUE]", equalTo("OPS-17"))
					.withFormParam("variables[NOTE]", equalTo("a&b=c d+e"))
					.withFormParam("variables[TOLLGATE_DECISION_ID]", equalTo(DECISION.toString())));
		gitlab.verify(1, anyRequestedFor(anyUrl()));
		gitlab.verify(0, anyRequestedFor(urlMatching(".*%252F.*")));
	}

	@Test
	void theTokenTravelsOnlyInTheBodyNotInTheUrl() {
		gitlab.stubFor(post(urlPathEqualTo(TRIGGER_PATH)).willReturn(created(257)));
		this.client.trigger(call(triggerTarget(base(), "acme/shop"), 1));
		assertThat(gitlab.getAllServeEvents()).singleElement()
			.satisfies((event) -> assertThat(event.getRequest().getUrl()).doesNotContain(TOKEN));
	}

	@Test
	void selfManagedBaseUrlWithRelativeRootAndNestedGroups() {
		String path = "/gitlab/api/v4/projects/acme%2Fplatform%2Fshop/trigger/pipeline";
		gitlab.stubFor(post(urlPathEqualTo(path)).willReturn(created(31)));
		PipelineProvider.Run run = this.client
			.trigger(call(triggerTarget(base() + "/gitlab/", "acme/platform/shop"), 1));
		assertThat(run.runId()).isEqualTo("31");
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(path)).withFormParam("variables[TOLLGATE_DECISION_ID]",
				equalTo(DECISION.toString())));
		gitlab.verify(1, anyRequestedFor(anyUrl()));
	}

	@Test
	void accessTokenPostsJsonWithPrivateTokenToTheNumericProject() {
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).willReturn(created(258)));
		PipelineProvider.Run run = this.client.trigger(call(accessTarget(base(), "42"), 1));
		assertThat(run)
			.isEqualTo(new PipelineProvider.Run("258", "https://gitlab.example.com/acme/shop/-/pipelines/258"));
		gitlab.verify(1,
				postRequestedFor(urlPathEqualTo(API_PATH)).withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
					.withHeader("Content-Type", containing("application/json"))
					.withRequestBody(equalToJson("""
							{"ref":"main","variables":[
							  {"key":"JIRA_ISSUE","value":"OPS-17","variable_type":"env_var"},
							  {"key":"NOTE","value":"a&b=c d+e","variable_type":"env_var"},
							  {"key":"TOLLGATE_DECISION_ID","value":"%s","variable_type":"env_var"}]}
							""".formatted(DECISION), true, false)));
		gitlab.verify(1, anyRequestedFor(anyUrl()));
	}

	@Test
	void accessTokenOnSelfManagedWithEncodedPath() {
		String path = "/gitlab/api/v4/projects/acme%2Fshop/pipeline";
		gitlab.stubFor(post(urlPathEqualTo(path)).willReturn(created(5)));
		assertThat(this.client.trigger(call(accessTarget(base() + "/gitlab", "acme/shop"), 1)).runId()).isEqualTo("5");
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(path)).withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
			.withRequestBody(matchingJsonPath("$.ref", equalTo("main"))));
	}

	@Test
	void aTemplateValueNamedLikeTheDecisionIdCannotReplaceIt() {
		gitlab.stubFor(post(urlPathEqualTo(TRIGGER_PATH)).willReturn(created(1)));
		Target target = target(base(), "acme/shop", null, Map.of(Templates.DECISION_ID, "forged"));
		this.client.trigger(call(target, 1));
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(TRIGGER_PATH)).withFormParam("variables[TOLLGATE_DECISION_ID]",
				equalTo(DECISION.toString())));
	}

	// --- variables refused → inputs
	// -----------------------------------------------------------

	@Test
	void accessTokenRetriesOnceWithInputsWhenVariablesAreNotPermitted() {
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).withRequestBody(matchingJsonPath("$.variables"))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"message\":{\"base\":[\"Insufficient permissions to set pipeline variables\"]}}")));
		gitlab.stubFor(
				post(urlPathEqualTo(API_PATH)).withRequestBody(matchingJsonPath("$.inputs")).willReturn(created(259)));
		PipelineProvider.Run run = this.client.trigger(call(accessTarget(base(), "42"), 1));
		assertThat(run.runId()).isEqualTo("259");
		gitlab.verify(2, postRequestedFor(urlPathEqualTo(API_PATH)));
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(API_PATH)).withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
			.withRequestBody(equalToJson("""
					{"ref":"main","inputs":{"JIRA_ISSUE":"OPS-17","NOTE":"a&b=c d+e","TOLLGATE_DECISION_ID":"%s"}}
					""".formatted(DECISION))));
	}

	@Test
	void triggerTokenRetriesOnceWithInputsWhenVariablesAreNotPermitted() {
		gitlab.stubFor(post(urlPathEqualTo(TRIGGER_PATH)).withFormParam("variables[JIRA_ISSUE]", equalTo("OPS-17"))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"message\":\"Insufficient permissions to set pipeline variables\"}")));
		gitlab.stubFor(post(urlPathEqualTo(TRIGGER_PATH)).withFormParam("inputs[JIRA_ISSUE]", equalTo("OPS-17"))
			.willReturn(created(260)));
		assertThat(this.client.trigger(call(triggerTarget(base(), "acme/shop"), 1)).runId()).isEqualTo("260");
		gitlab.verify(2, postRequestedFor(urlPathEqualTo(TRIGGER_PATH)));
		gitlab.verify(1,
				postRequestedFor(urlPathEqualTo(TRIGGER_PATH)).withFormParam("token", equalTo(TOKEN))
					.withFormParam("ref", equalTo("main"))
					.withFormParam("inputs[TOLLGATE_DECISION_ID]", equalTo(DECISION.toString())));
	}

	@Test
	void inputsRefusedTooIsPermanentAfterExactlyTwoCalls() {
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).withRequestBody(matchingJsonPath("$.variables"))
			.willReturn(aResponse().withStatus(400)
				.withBody("{\"message\":\"Insufficient permissions to set pipeline variables\"}")));
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).withRequestBody(matchingJsonPath("$.inputs"))
			.willReturn(
					aResponse().withStatus(400).withBody("{\"message\":{\"base\":[\"Unknown input: JIRA_ISSUE\"]}}")));
		TriggerFailure failure = failure(call(accessTarget(base(), "42"), 1));
		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("inputs", "Unknown input: JIRA_ISSUE", "spec:inputs");
		gitlab.verify(2, postRequestedFor(urlPathEqualTo(API_PATH)));
	}

	// --- failures
	// -----------------------------------------------------------------------------

	@Test
	void referenceNotFoundIsPermanentWithGitLabsMessage() {
		gitlab.stubFor(post(urlPathEqualTo(TRIGGER_PATH)).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"message\":{\"base\":[\"Reference not found\"]}}")));
		TriggerFailure failure = failure(call(triggerTarget(base(), "acme/shop"), 1));
		assertThat(failure.permanent()).isTrue();
		assertThat(failure.retryAfter()).isNull();
		assertThat(failure.getMessage()).contains("400", "base: Reference not found");
		gitlab.verify(1, anyRequestedFor(anyUrl()));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "401|{\"message\":\"401 Unauthorized\"}|401 Unauthorized",
					"403|{\"message\":\"403 Forbidden\"}|403 Forbidden",
					"404|{\"message\":\"404 Project Not Found\"}|404 Project Not Found" })
	void clientErrorsArePermanentWithGitLabsMessage(int status, String body, String message) {
		gitlab.stubFor(post(urlPathEqualTo(API_PATH))
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
		TriggerFailure failure = failure(call(accessTarget(base(), "42"), 1));
		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains(String.valueOf(status), message);
		gitlab.verify(1, anyRequestedFor(anyUrl()));
	}

	@Test
	void aLongMessageIsBounded() {
		gitlab.stubFor(post(urlPathEqualTo(TRIGGER_PATH))
			.willReturn(aResponse().withStatus(400).withBody("{\"message\":\"" + "x".repeat(10_000) + "\"}")));
		TriggerFailure failure = failure(call(triggerTarget(base(), "acme/shop"), 1));
		assertThat(failure.getMessage()).hasSizeLessThan(1_000);
	}

	@Test
	void rateLimitIsTransientAndHonoursRetryAfter() {
		gitlab.stubFor(post(urlPathEqualTo(TRIGGER_PATH)).willReturn(aResponse().withStatus(429)
			.withHeader("Retry-After", "30")
			.withHeader("RateLimit-Remaining", "0")
			.withBody("{\"message\":\"429 Too Many Requests\"}")));
		Instant before = Instant.now();
		TriggerFailure failure = failure(call(triggerTarget(base(), "acme/shop"), 1));
		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isBetween(before.plusSeconds(29), Instant.now().plusSeconds(31));
		gitlab.verify(1, anyRequestedFor(anyUrl()));
	}

	@Test
	void rateLimitWithoutRetryAfterFallsBackToRateLimitReset() {
		long reset = Instant.now().plusSeconds(90).getEpochSecond();
		gitlab.stubFor(post(urlPathEqualTo(API_PATH))
			.willReturn(aResponse().withStatus(429).withHeader("RateLimit-Reset", String.valueOf(reset))));
		TriggerFailure failure = failure(call(accessTarget(base(), "42"), 1));
		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isEqualTo(Instant.ofEpochSecond(reset));
	}

	@ParameterizedTest
	@ValueSource(ints = { 500, 502, 503, 504 })
	void serverErrorsAreTransient(int status) {
		gitlab.stubFor(post(urlPathEqualTo(TRIGGER_PATH))
			.willReturn(aResponse().withStatus(status).withBody("<html>bad gateway</html>")));
		TriggerFailure failure = failure(call(triggerTarget(base(), "acme/shop"), 1));
		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isNull();
		assertThat(failure.getMessage()).contains(String.valueOf(status));
		gitlab.verify(1, anyRequestedFor(anyUrl()));
	}

	@Test
	void slowResponsePastTheReadTimeoutIsTransient() {
		gitlab.stubFor(post(urlPathEqualTo(TRIGGER_PATH)).willReturn(created(1).withFixedDelay(1_500)));
		TriggerFailure failure = failure(call(triggerTarget(base(), "acme/shop"), 1));
		assertThat(failure.permanent()).isFalse();
		assertThat(failure.getMessage()).contains("did not answer", "POST " + TRIGGER_PATH);
	}

	@Test
	void connectionRefusedIsTransient() throws Exception {
		TriggerFailure failure = failure(call(triggerTarget("http://127.0.0.1:" + closedPort(), "acme/shop"), 1));
		assertThat(failure.permanent()).isFalse();
		assertThat(failure.getMessage()).contains("did not answer");
	}

	@Test
	void aUrlTheOutboundPolicyRefusesIsPermanentAndNothingIsSent() throws Exception {
		GitLabPipelineClient httpsOnly = client(OutboundPolicies.of(false, true));
		try {
			TriggerFailure failure = failure(httpsOnly, call(triggerTarget(base(), "acme/shop"), 1));
			assertThat(failure.permanent()).isTrue();
			assertThat(failure.getMessage()).contains("only https");
		}
		finally {
			httpsOnly.destroy();
		}
		gitlab.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void aCredentialEchoedByGitLabIsHiddenFromTheReason() {
		gitlab.stubFor(post(urlPathEqualTo(TRIGGER_PATH)).willReturn(
				aResponse().withStatus(404).withBody("{\"message\":\"404 Trigger token " + TOKEN + " Not Found\"}")));
		TriggerFailure failure = failure(call(triggerTarget(base(), "acme/shop"), 1));
		assertThat(failure.getMessage()).contains("[hidden]").doesNotContain(TOKEN);
	}

	@Test
	void unknownAuthMissingRefAndDotSegmentsArePermanentWithoutACall() {
		Target badAuth = new Target("gl", Target.Kind.GITLAB, base(), null, null, "acme/shop", null, "main",
				"env:GITLAB_TOKEN", null, Map.of(), null, "OAUTH", null, null);
		assertThat(failure(call(badAuth, 1)).getMessage()).contains("OAUTH");
		Target noRef = new Target("gl", Target.Kind.GITLAB, base(), null, null, "acme/shop", null, null,
				"env:GITLAB_TOKEN", null, Map.of(), null, null, null, null);
		assertThat(failure(call(noRef, 1)).getMessage()).contains("no ref");
		assertThat(failure(call(triggerTarget(base(), "acme/../admin"), 1)).permanent()).isTrue();
		gitlab.verify(0, anyRequestedFor(anyUrl()));
	}

	// --- outcome unknown
	// ----------------------------------------------------------------------

	@Test
	void repeatedAttemptWithAccessTokenFindsThePipelineByItsVariableAndSendsNothing() {
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines"))
			.willReturn(okJson("[" + pipeline(302, 0) + "," + pipeline(301, 1) + "," + pipeline(300, 2) + "]")));
		gitlab.stubFor(get(urlPathMatching("/api/v4/projects/42/pipelines/\\d+/variables"))
			.willReturn(okJson(variables(UUID.randomUUID().toString()))));
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines/301/variables"))
			.willReturn(okJson(variables(DECISION.toString()))));
		PipelineProvider.Run run = this.client.trigger(call(accessTarget(base(), "42"), 2));
		assertThat(run)
			.isEqualTo(new PipelineProvider.Run("301", "https://gitlab.example.com/acme/shop/-/pipelines/301"));
		gitlab.verify(1,
				getRequestedFor(urlPathEqualTo("/api/v4/projects/42/pipelines"))
					.withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
					.withQueryParam("ref", equalTo("main"))
					.withQueryParam("order_by", equalTo("id"))
					.withQueryParam("sort", equalTo("desc"))
					.withQueryParam("per_page", equalTo("100"))
					.withQueryParam("page", equalTo("1")));
		gitlab.verify(0, getRequestedFor(urlPathEqualTo("/api/v4/projects/42/pipelines/300/variables")));
		gitlab.verify(0, postRequestedFor(anyUrl()));
	}

	@ParameterizedTest
	@ValueSource(ints = { 429, 502 })
	void aVariablesLookUpThatGetsNoAnswerFailsTheAttemptInsteadOfCreatingASecondPipeline(int status) {
		// The first attempt timed out because GitLab was struggling; the look-up is
		// likely to meet the same.
		gitlab.stubFor(
				get(urlPathEqualTo("/api/v4/projects/42/pipelines")).willReturn(okJson("[" + pipeline(302, 0) + "]")));
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines/302/variables"))
			.willReturn(aResponse().withStatus(status).withBody("{\"message\":\"busy\"}")));
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).willReturn(created(303)));

		TriggerFailure failure = failure(call(accessTarget(base(), "42"), 2));

		assertThat(failure.permanent()).isFalse();
		gitlab.verify(0, postRequestedFor(anyUrl()));
	}

	@Test
	void aPipelineListThatCannotBeReadFailsTheAttemptInsteadOfCreatingASecondPipeline() {
		gitlab.stubFor(
				get(urlPathEqualTo("/api/v4/projects/42/pipelines")).willReturn(okJson("<html>maintenance</html>")));
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).willReturn(created(303)));

		assertThat(failure(call(accessTarget(base(), "42"), 2)).permanent()).isFalse();
		gitlab.verify(0, postRequestedFor(anyUrl()));
	}

	@Test
	void repeatedAttemptFindsThePipelineByItsWorkflowNameWithoutReadingVariables() {
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines")).willReturn(okJson(
				"[" + pipeline(310, 0).replace("\"ref\"", "\"name\":\"tollgate " + DECISION + "\",\"ref\"") + "]")));
		assertThat(this.client.trigger(call(accessTarget(base(), "42"), 2)).runId()).isEqualTo("310");
		gitlab.verify(0, getRequestedFor(urlPathMatching(".*/variables")));
		gitlab.verify(0, postRequestedFor(anyUrl()));
	}

	@Test
	void inputsModeRetriedAfterATimeoutFindsItsPipelineByWorkflowNameAndStartsOne() {
		// As GitLab answers: variables refused, the inputs pipeline created but the
		// answer
		// lost; its list entry then carries the workflow:name, and its variables are
		// empty because inputs are not variables.
		stubVariablesRefused();
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).withRequestBody(matchingJsonPath("$.inputs"))
			.willReturn(created(320).withFixedDelay(1_500)));
		assertThat(failure(call(accessTarget(base(), "42"), 1)).permanent()).isFalse();
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines"))
			.willReturn(okJson("[" + named(pipeline(320, 0), "tollgate " + DECISION) + "]")));
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines/320/variables")).willReturn(okJson("[]")));

		assertThat(this.client.trigger(call(accessTarget(base(), "42"), 2)).runId()).isEqualTo("320");
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(API_PATH)).withRequestBody(matchingJsonPath("$.inputs")));
	}

	@Test
	void inputsModeRetriedWithoutAWorkflowNameIsRefusedRatherThanStartingASecondPipeline() {
		stubVariablesRefused();
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).withRequestBody(matchingJsonPath("$.inputs"))
			.willReturn(created(321).withFixedDelay(1_500)));
		assertThat(failure(call(accessTarget(base(), "42"), 1)).permanent()).isFalse();
		// The pipeline exists, unnamed, and its variables say nothing of the decision.
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines"))
			.willReturn(okJson("[" + pipeline(321, 0).replace("\"ref\"", "\"name\":null,\"ref\"") + "]")));
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines/321/variables")).willReturn(okJson("[]")));

		TriggerFailure failure = failure(call(accessTarget(base(), "42"), 2));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("workflow: name", "inputs.TOLLGATE_DECISION_ID", "re-queue",
				DECISION.toString());
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(API_PATH)).withRequestBody(matchingJsonPath("$.inputs")));
	}

	private static void stubVariablesRefused() {
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).withRequestBody(matchingJsonPath("$.variables"))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"message\":{\"base\":[\"Insufficient permissions to set pipeline variables\"]}}")));
	}

	@Test
	void repeatedAttemptReadsAtMostFiveRecentPipelinesThenSendsAgain() {
		StringBuilder list = new StringBuilder("[");
		for (int i = 0; i < 20; i++) {
			list.append((i > 0) ? "," : "").append(pipeline(400 - i, i));
		}
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines")).willReturn(okJson(list + "]")));
		gitlab.stubFor(get(urlPathMatching("/api/v4/projects/42/pipelines/\\d+/variables"))
			.willReturn(okJson(variables(UUID.randomUUID().toString()))));
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).willReturn(created(401)));
		assertThat(this.client.trigger(call(accessTarget(base(), "42"), 2)).runId()).isEqualTo("401");
		gitlab.verify(5, getRequestedFor(urlPathMatching(".*/variables")));
		gitlab.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/projects/42/pipelines/400/variables")));
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(API_PATH)));
	}

	@Test
	void aLaterAttemptFindsItsPipelineBehindSeventyThreeNewerOnes() {
		// The fault suite's crash scenario: 73 pipelines of other decisions were created
		// between the
		// lost answer and the retry, so the earlier attempt's pipeline is the 74th
		// newest.
		List<String> pipelines = otherDecisionsPipelines(150);
		pipelines.set(73, named(pipeline(427, 73), "tollgate " + DECISION));
		servePipelines(pipelines);
		gitlab.stubFor(get(urlPathMatching("/api/v4/projects/42/pipelines/\\d+/variables"))
			.willReturn(okJson(variables(UUID.randomUUID().toString()))));
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).willReturn(created(601)));

		PipelineProvider.Run run = this.client.trigger(call(accessTarget(base(), "42"), 2));

		assertThat(run)
			.isEqualTo(new PipelineProvider.Run("427", "https://gitlab.example.com/acme/shop/-/pipelines/427"));
		gitlab.verify(0, postRequestedFor(anyUrl()));
		gitlab.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/projects/42/pipelines")));
	}

	@Test
	void aLaterAttemptReadsTheNextPageWhenTheFirstIsFullOfNewerPipelines() {
		List<String> pipelines = otherDecisionsPipelines(180);
		pipelines.set(150, named(pipeline(350, 150), "tollgate " + DECISION));
		servePipelines(pipelines);
		gitlab.stubFor(get(urlPathMatching("/api/v4/projects/42/pipelines/\\d+/variables"))
			.willReturn(okJson(variables(UUID.randomUUID().toString()))));
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).willReturn(created(601)));

		assertThat(this.client.trigger(call(accessTarget(base(), "42"), 2)).runId()).isEqualTo("350");
		gitlab.verify(0, postRequestedFor(anyUrl()));
		gitlab.verify(2, getRequestedFor(urlPathEqualTo("/api/v4/projects/42/pipelines")));
		gitlab.verify(1,
				getRequestedFor(urlPathEqualTo("/api/v4/projects/42/pipelines")).withQueryParam("page", equalTo("2")));
		gitlab.verify(GitLabRuns.MAX_VARIABLE_LOOKUPS, getRequestedFor(urlPathMatching(".*/variables")));
	}

	@Test
	void theLookUpReadsABoundedNumberOfPagesThenSendsAgain() {
		StringBuilder full = new StringBuilder("[");
		for (int i = 0; i < GitLabRuns.PIPELINES_PER_PAGE; i++) {
			full.append((i > 0) ? "," : "").append(named(pipeline(5000 - i, 1), "tollgate " + UUID.randomUUID()));
		}
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines")).willReturn(okJson(full + "]")));
		gitlab.stubFor(get(urlPathMatching("/api/v4/projects/42/pipelines/\\d+/variables"))
			.willReturn(okJson(variables(UUID.randomUUID().toString()))));
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).willReturn(created(601)));

		assertThat(this.client.trigger(call(accessTarget(base(), "42"), 2)).runId()).isEqualTo("601");
		gitlab.verify(GitLabRuns.MAX_LOOKUP_PAGES, getRequestedFor(urlPathEqualTo("/api/v4/projects/42/pipelines")));
		gitlab.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/projects/42/pipelines")).withQueryParam("page",
				equalTo(String.valueOf(GitLabRuns.MAX_LOOKUP_PAGES))));
		gitlab.verify(GitLabRuns.MAX_VARIABLE_LOOKUPS, getRequestedFor(urlPathMatching(".*/variables")));
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(API_PATH)));
	}

	@Test
	void theLookUpReadsNoPageBeyondPipelinesCreatedBeforeTheWindow() {
		// A full first page whose oldest pipelines predate the window: the pages behind
		// it are not
		// read, not even for a workflow name (a retry comes well within the window).
		List<String> pipelines = otherDecisionsPipelines(250);
		for (int i = 90; i < pipelines.size(); i++) {
			pipelines.set(i, named(pipeline(500 - i, 60 * 7 + i), "tollgate " + UUID.randomUUID()));
		}
		pipelines.set(150, named(pipeline(350, 60 * 7 + 150), "tollgate " + DECISION));
		servePipelines(pipelines);
		gitlab.stubFor(get(urlPathMatching("/api/v4/projects/42/pipelines/\\d+/variables"))
			.willReturn(okJson(variables(UUID.randomUUID().toString()))));
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).willReturn(created(601)));

		assertThat(this.client.trigger(call(accessTarget(base(), "42"), 2)).runId()).isEqualTo("601");
		gitlab.verify(1,
				getRequestedFor(urlPathEqualTo("/api/v4/projects/42/pipelines")).withQueryParam("page", equalTo("1")));
		gitlab.verify(0,
				getRequestedFor(urlPathEqualTo("/api/v4/projects/42/pipelines")).withQueryParam("page", equalTo("2")));
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(API_PATH)));
	}

	@Test
	void repeatedAttemptIgnoresPipelinesCreatedLongAgo() {
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines"))
			.willReturn(okJson("[" + pipeline(290, 60 * 24) + "]")));
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).willReturn(created(291)));
		assertThat(this.client.trigger(call(accessTarget(base(), "42"), 2)).runId()).isEqualTo("291");
		gitlab.verify(0, getRequestedFor(urlPathMatching(".*/variables")));
	}

	@Test
	void aLookupThatCannotWorkIsIgnoredAndTheTriggerSent() {
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines")).willReturn(aResponse().withStatus(403)));
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).willReturn(created(292)));
		assertThat(this.client.trigger(call(accessTarget(base(), "42"), 2)).runId()).isEqualTo("292");
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(API_PATH)));
	}

	@Test
	void aLookupThatGetsNoAnswerFailsTheAttemptInsteadOfCreatingASecondPipeline() {
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines")).willReturn(aResponse().withStatus(503)));
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).willReturn(created(292)));
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> this.client.trigger(call(accessTarget(base(), "42"), 2)))
			.isInstanceOfSatisfying(TriggerFailure.class, (failure) -> assertThat(failure.permanent()).isFalse());
		gitlab.verify(0, postRequestedFor(urlPathEqualTo(API_PATH)));
	}

	@Test
	void firstAttemptDoesNotLookUp() {
		gitlab.stubFor(post(urlPathEqualTo(API_PATH)).willReturn(created(293)));
		this.client.trigger(call(accessTarget(base(), "42"), 1));
		gitlab.verify(0, getRequestedFor(anyUrl()));
	}

	@Test
	void repeatedAttemptWithTriggerTokenSendsAgainWithoutLookup() {
		gitlab.stubFor(post(urlPathEqualTo(TRIGGER_PATH)).willReturn(created(294)));
		assertThat(this.client.trigger(call(triggerTarget(base(), "acme/shop"), 3)).runId()).isEqualTo("294");
		gitlab.verify(0, getRequestedFor(anyUrl()));
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(TRIGGER_PATH)).withFormParam("variables[TOLLGATE_DECISION_ID]",
				equalTo(DECISION.toString())));
	}

	// --- helpers
	// ------------------------------------------------------------------------------

	private static GitLabPipelineClient client(dev.tollgate.outbound.OutboundPolicy policy) {
		return new GitLabPipelineClient(policy,
				new PipelineProperties(Duration.ofSeconds(2), Duration.ofMillis(500), 5, Duration.ofSeconds(30)));
	}

	private TriggerFailure failure(PipelineProvider.TriggerCall call) {
		return failure(this.client, call);
	}

	/** The failure the call ends in; its message must never carry the credential. */
	private static TriggerFailure failure(GitLabPipelineClient client, PipelineProvider.TriggerCall call) {
		try {
			PipelineProvider.Run run = client.trigger(call);
			return fail("Expected a TriggerFailure, got " + run);
		}
		catch (TriggerFailure failure) {
			assertThat(failure.getMessage()).doesNotContain(TOKEN);
			assertThat(String.valueOf(failure)).doesNotContain(TOKEN);
			return failure;
		}
	}

	private static String base() {
		return "http://127.0.0.1:" + gitlab.port();
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder created(long id) {
		return aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"""
							{"id":%d,"iid":118,"project_id":42,"sha":"91e2","ref":"main","status":"created","source":"trigger",
							 "web_url":"https://gitlab.example.com/acme/shop/-/pipelines/%d","created_at":"2025-06-01T10:00:00.000Z",
							 "user":{"id":1},"detailed_status":{"text":"created"}}
							"""
						.formatted(id, id));
	}

	private static String pipeline(long id, int minutesAgo) {
		return """
				{"id":%d,"iid":%d,"project_id":42,"sha":"91e2","ref":"main","status":"running","source":"api",
				 "created_at":"%s","web_url":"https://gitlab.example.com/acme/shop/-/pipelines/%d"}
				""".formatted(id, id, Instant.now().minus(Duration.ofMinutes(minutesAgo)), id);
	}

	private static String named(String pipeline, String name) {
		return pipeline.replace("\"ref\"", "\"name\":\"" + name + "\",\"ref\"");
	}

	/**
	 * Pipelines of other decisions, newest first, one a minute (ids descending from 500).
	 */
	private static List<String> otherDecisionsPipelines(int count) {
		List<String> pipelines = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			pipelines.add(named(pipeline(500 - i, i), "tollgate " + UUID.randomUUID()));
		}
		return pipelines;
	}

	/**
	 * Answers the pipeline list the way GitLab pages it: {@code per_page} (default 20)
	 * and {@code page} (default 1) cut the newest-first list.
	 */
	private static void servePipelines(List<String> pipelines) {
		for (int perPage : new int[] { 20, 100 }) {
			int pages = pipelines.size() / perPage + 1;
			for (int page = 1; page <= pages; page++) {
				List<String> slice = pipelines.subList(Math.min((page - 1) * perPage, pipelines.size()),
						Math.min(page * perPage, pipelines.size()));
				String body = "[" + String.join(",", slice) + "]";
				gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines"))
					.withQueryParam("per_page", equalTo(String.valueOf(perPage)))
					.withQueryParam("page", equalTo(String.valueOf(page)))
					.willReturn(okJson(body)));
				if (page == 1) {
					gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/pipelines"))
						.withQueryParam("per_page", equalTo(String.valueOf(perPage)))
						.withQueryParam("page", absent())
						.willReturn(okJson(body)));
				}
			}
		}
	}

	private static String variables(String decisionId) {
		return """
				[{"variable_type":"env_var","key":"JIRA_ISSUE","value":"OPS-17"},
				 {"variable_type":"env_var","key":"TOLLGATE_DECISION_ID","value":"%s"}]
				""".formatted(decisionId);
	}

	private static Map<String, String> templates() {
		Map<String, String> templates = new LinkedHashMap<>();
		templates.put("JIRA_ISSUE", "{{issue.key}}");
		templates.put("NOTE", "a&b=c d+e");
		return templates;
	}

	private static Target triggerTarget(String baseUrl, String project) {
		return target(baseUrl, project, null, templates());
	}

	private static Target accessTarget(String baseUrl, String project) {
		return target(baseUrl, project, "ACCESS_TOKEN", templates());
	}

	private static Target target(String baseUrl, String project, String auth, Map<String, String> variables) {
		return new Target("build-gl", Target.Kind.GITLAB, baseUrl, null, null, project, null, "main",
				"env:GITLAB_TOKEN", null, variables, null, auth, null, null);
	}

	private static PipelineProvider.TriggerCall call(Target target, int attempt) {
		TriggerRequest request = new TriggerRequest(DECISION, "delivery-1", 7L, "build", target.name(), "10001",
				"OPS-17", "OPS", "Story", "In Progress", "Ready", "5b10a2844c20165700ede21g", false);
		return new PipelineProvider.TriggerCall(target, request, Templates.render(target.templateValues(), request),
				new Secret(TOKEN), attempt);
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
