package dev.tollgate.pipeline.github;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tollgate.support.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.pipeline.TriggerRequest;
import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.outbound.OutboundPolicies;
import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.pipeline.PipelineProvider.Run;
import dev.tollgate.pipeline.PipelineProvider.TriggerCall;
import dev.tollgate.policy.Target;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class GitHubActionsClientTests {

	private static final WireMockServer github = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String TOKEN = "ghp_test";

	private static final String INSTALLATION_TOKEN = "ghs_installation1";

	private static final String DISPATCH = "/repos/acme/shop/actions/workflows/deploy.yml/dispatches";

	private static final String RUNS = "/repos/acme/shop/actions/workflows/deploy.yml/runs";

	private static final String ACCESS_TOKENS = "/app/installations/123/access_tokens";

	private static final String RUN_DETAILS = """
			{"workflow_run_id": 4711,
			 "run_url": "https://api.github.com/repos/acme/shop/actions/runs/4711",
			 "html_url": "https://github.com/acme/shop/actions/runs/4711"}
			""";

	private static final Instant START = Instant.parse("2026-03-20T10:00:00Z");

	private static KeyPair appKey;

	private final UUID decisionId = UUID.fromString("3f0e2b6c-8d51-4c1e-9a57-2b1c0f6d9e41");

	private MutableClock clock;

	private GitHubActionsClient client;

	@BeforeAll
	static void start() throws Exception {
		github.start();
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		appKey = generator.generateKeyPair();
		warmUp();
	}

	/**
	 * The first exchange of a fresh JVM (class loading, JIT on both ends) can take longer
	 * than the tests' 500 ms read timeout; get it out of the way with a patient client.
	 */
	private static void warmUp() throws Exception {
		github.stubFor(
				post(urlEqualTo(ACCESS_TOKENS)).willReturn(accessToken(INSTALLATION_TOKEN, START.plusSeconds(3600))));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));
		GitHubActionsClient patient = new GitHubActionsClient(OutboundPolicies.forLocalStubs(),
				new PipelineProperties(Duration.ofSeconds(10), Duration.ofSeconds(30), 5, Duration.ofSeconds(30)),
				Clock.systemUTC(), Duration.ZERO);
		try {
			patient.trigger(new TriggerCall(
					withAuth(target(base()), "APP", "12345", "123"), new TriggerRequest(UUID.randomUUID(), "warm-up",
							1L, "r", "t", "1", "OPS-1", "OPS", "Story", "a", "b", "acct", false),
					Map.of(), new Secret(pkcs8Pem()), 1));
		}
		finally {
			patient.destroy();
			github.resetAll();
		}
	}

	@AfterAll
	static void stop() {
		github.stop();
	}

	@BeforeEach
	void setUp() {
		github.resetAll();
		this.clock = new MutableClock(START);
		this.client = client(OutboundPolicies.forLocalStubs());
	}

	@AfterEach
	void tearDown() throws Exception {
		this.client.destroy();
	}

	// ---- the request ----

	@Test
	void dispatchSendsTheExactRequestAndReturnsTheRunDetails() throws Exception {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));
		Map<String, String> values = new LinkedHashMap<>();
		values.put("issue", "OPS-17");
		values.put("environment", "production");
		values.put("replicas", "3");
		values.put("note", null);

		Run run = this.client.trigger(call(target(base()), values, 1));

		assertThat(run).isEqualTo(new Run("4711", "https://github.com/acme/shop/actions/runs/4711"));
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)).withHeader("Authorization", equalTo("Bearer " + TOKEN))
			.withHeader("Accept", equalTo("application/vnd.github+json"))
			.withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
			.withHeader("User-Agent", equalTo("tollgate"))
			.withHeader("Content-Type", containing("application/json"))
			.withRequestBody(matchingJsonPath("$.ref", equalTo("main")))
			.withRequestBody(matchingJsonPath("$.inputs.tollgate_decision_id", equalTo(this.decisionId.toString())))
			.withRequestBody(matchingJsonPath("$[?(@.return_run_details == true)]"))
			// Strict: every value a string, nothing else in the body.
			.withRequestBody(equalToJson("""
					{"ref": "main",
					 "inputs": {"issue": "OPS-17", "environment": "production", "replicas": "3", "note": "",
					            "tollgate_decision_id": "%s"},
					 "return_run_details": true}
					""".formatted(this.decisionId))));
		// The first attempt does not look for an earlier run.
		github.verify(1, anyRequestedFor(anyUrl()));
		JsonNode inputs = JSON.readTree(onlyBody(DISPATCH)).get("inputs");
		for (JsonNode value : inputs.values()) {
			assertThat(value.isString()).as(value.toString()).isTrue();
		}
	}

	@Test
	void enterpriseServerBaseUrlKeepsItsApiPrefix() {
		String dispatch = "/api/v3" + DISPATCH;
		github.stubFor(post(urlEqualTo(dispatch)).willReturn(okJson(RUN_DETAILS)));

		Run run = this.client.trigger(call(target(base() + "/api/v3/"), Map.of(), 1));

		assertThat(run.runId()).isEqualTo("4711");
		github.verify(1, postRequestedFor(urlEqualTo(dispatch)).withHeader("Authorization", equalTo("Bearer " + TOKEN))
			.withRequestBody(matchingJsonPath("$.inputs.tollgate_decision_id", equalTo(this.decisionId.toString()))));
		github.verify(0, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@Test
	void ownerRepoAndWorkflowAreEncodedAsPathSegments() {
		String dispatch = "/repos/acme/shop/actions/workflows/a%3Fb%20c.yml/dispatches";
		github.stubFor(post(urlEqualTo(dispatch)).willReturn(okJson(RUN_DETAILS)));

		this.client.trigger(call(target(base(), "acme/shop", "a?b c.yml"), Map.of(), 1));

		github.verify(1, postRequestedFor(urlEqualTo(dispatch)));
	}

	@Test
	void workflowGivenAsAPathIsSentAsItsFileName() {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		this.client.trigger(call(target(base(), "acme/shop", ".github/workflows/deploy.yml"), Map.of(), 1));

		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@Test
	void theDecisionIdCannotBeOverriddenByAnInput() {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		this.client.trigger(call(target(base()), Map.of("tollgate_decision_id", "forged"), 1));

		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH))
			.withRequestBody(matchingJsonPath("$.inputs.tollgate_decision_id", equalTo(this.decisionId.toString()))));
	}

	@Test
	void twentyFourInputsPlusTheDecisionIdAreSent() throws Exception {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		this.client.trigger(call(target(base()), inputs(24), 1));

		assertThat(JSON.readTree(onlyBody(DISPATCH)).get("inputs").size()).isEqualTo(25);
	}

	@Test
	void twentyFiveInputsPlusTheDecisionIdAreRefusedWithoutACall() {
		TriggerFailure failure = failureOf(call(target(base()), inputs(25), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("at most 25").contains("tollgate_decision_id");
		github.verify(0, anyRequestedFor(anyUrl()));
	}

	@ParameterizedTest
	@ValueSource(strings = { "acme", "acme/shop/extra", "../shop", "acme/..", "https://github.com/acme/shop" })
	void malformedRepositoryIsAPermanentFailureWithoutACall(String repository) {
		TriggerFailure failure = failureOf(call(target(base(), repository, "deploy.yml"), Map.of(), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("owner/name");
		github.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void missingCredentialIsAPermanentFailure() {
		Target target = target(base());
		TriggerFailure failure = failureOf(new TriggerCall(target, request(), Map.of(), null, 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("no credential");
	}

	@Test
	void unknownAuthModeIsAPermanentFailure() {
		Target target = withAuth(target(base()), "OAUTH", null, null);
		TriggerFailure failure = failureOf(call(target, Map.of(), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("OAUTH");
		github.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void aUrlTheOutboundPolicyRefusesIsAPermanentFailureWithoutACall() throws Exception {
		this.client.destroy();
		this.client = client(OutboundPolicies.of(false, true));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("only https is allowed");
		github.verify(0, anyRequestedFor(anyUrl()));
	}

	// ---- 204 and return_run_details ----

	@Test
	void noContentMeansStartedWithoutARunIdWhenNoRunCarriesTheDecisionId() {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(aResponse().withStatus(204)));
		github.stubFor(get(urlPathEqualTo(RUNS)).willReturn(okJson(runs(run(99, "deploy other-decision")))));

		Run run = this.client.trigger(call(target(base()), Map.of(), 1));

		assertThat(run).isEqualTo(new Run(null, null));
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)));
		github.verify(GitHubRuns.LOOKUPS_AFTER_DISPATCH, getRequestedFor(urlPathEqualTo(RUNS)));
	}

	@Test
	void noContentThenTheRunIsFoundByTheDecisionIdInItsName() {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(aResponse().withStatus(204)));
		github.stubFor(get(urlPathEqualTo(RUNS))
			.willReturn(okJson(runs(run(98, "deploy other"), run(4712, "tollgate " + this.decisionId)))));

		Run run = this.client.trigger(call(target(base()), Map.of(), 1));

		assertThat(run).isEqualTo(new Run("4712", "https://github.com/acme/shop/actions/runs/4712"));
		github.verify(1,
				getRequestedFor(urlPathEqualTo(RUNS)).withQueryParam("event", equalTo("workflow_dispatch"))
					.withQueryParam("created", equalTo(">=" + iso(START.minus(Duration.ofMinutes(10)))))
					.withQueryParam("per_page", equalTo(String.valueOf(GitHubRuns.RUNS_PER_PAGE)))
					.withQueryParam("page", equalTo("1"))
					.withHeader("Authorization", equalTo("Bearer " + TOKEN)));
	}

	@Test
	void noContentAndAFailingLookupStillCountsAsStarted() {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(aResponse().withStatus(204)));
		github.stubFor(get(urlPathEqualTo(RUNS)).willReturn(aResponse().withStatus(500)));

		assertThat(this.client.trigger(call(target(base()), Map.of(), 1))).isEqualTo(new Run(null, null));
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 422 })
	void aServerThatRejectsReturnRunDetailsGetsTheDispatchOnceMoreWithoutIt(int status) throws Exception {
		github.stubFor(post(urlEqualTo(DISPATCH)).withRequestBody(containing("return_run_details"))
			.willReturn(aResponse().withStatus(status)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"message\":\"Invalid request.\\n\\n\\\"return_run_details\\\" is not a permitted key.\","
						+ "\"documentation_url\":\"https://docs.github.com/enterprise-server@3.14/rest\"}")));
		github.stubFor(post(urlEqualTo(DISPATCH)).withRequestBody(notContaining("return_run_details"))
			.willReturn(aResponse().withStatus(204)));
		github.stubFor(get(urlPathEqualTo(RUNS)).willReturn(okJson(runs())));

		Run run = this.client.trigger(call(target(base()), Map.of("issue", "OPS-17"), 1));

		assertThat(run).isEqualTo(new Run(null, null));
		List<LoggedRequest> dispatches = github.findAll(postRequestedFor(urlEqualTo(DISPATCH)));
		assertThat(dispatches).hasSize(2);
		assertThat(dispatches).filteredOn((request) -> request.getBodyAsString().contains("return_run_details"))
			.hasSize(1);
		LoggedRequest second = dispatches.stream()
			.filter((request) -> !request.getBodyAsString().contains("return_run_details"))
			.findFirst()
			.orElseThrow();
		JsonNode body = JSON.readTree(second.getBodyAsString());
		assertThat(body.has("return_run_details")).isFalse();
		assertThat(body.get("inputs").get("tollgate_decision_id").stringValue()).isEqualTo(this.decisionId.toString());
		assertThat(body.get("inputs").get("issue").stringValue()).isEqualTo("OPS-17");
	}

	@Test
	void theFallbackWithoutReturnRunDetailsHappensOnlyOnce() {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(aResponse().withStatus(422)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"message\":\"return_run_details is not permitted\"}")));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isTrue();
		github.verify(2, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@Test
	void aBadRequestThatDoesNotMentionReturnRunDetailsIsPermanentAndNotRepeated() {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(error(400, "Problems parsing JSON")));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("400").contains("Problems parsing JSON");
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	// ---- failure classes ----

	@Test
	void unexpectedInputsArePermanent() {
		github.stubFor(
				post(urlEqualTo(DISPATCH)).willReturn(error(422, "Unexpected inputs provided: [\"environment\"]")));

		TriggerFailure failure = failureOf(call(target(base()), Map.of("environment", "prod"), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.retryAfter()).isNull();
		assertThat(failure.getMessage()).contains("422").contains("Unexpected inputs provided: [\"environment\"]");
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@Test
	void aWorkflowWithoutWorkflowDispatchIsPermanent() {
		github.stubFor(post(urlEqualTo(DISPATCH))
			.willReturn(error(422, "Workflow does not have 'workflow_dispatch' trigger")));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("422")
			.contains("workflow_dispatch trigger")
			.contains("Workflow does not have 'workflow_dispatch' trigger");
	}

	@Test
	void notFoundIsPermanentAndSaysWhatItMayMean() {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(error(404, "Not Found")));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("404")
			.contains("workflow or repository not found, or the token cannot see it")
			.contains("Not Found");
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@Test
	void badCredentialsArePermanent() {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(error(401, "Bad credentials")));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("401").contains("Bad credentials");
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@Test
	void forbiddenWithoutRateLimitSignsIsPermanent() {
		github.stubFor(
				post(urlEqualTo(DISPATCH)).willReturn(error(403, "Resource not accessible by personal access token")
					.withHeader("x-ratelimit-remaining", "4999")));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("403")
			.contains("permission")
			.contains("Resource not accessible by personal access token");
	}

	@Test
	void forbiddenWithTheRateLimitExhaustedWaitsForTheReset() {
		long reset = START.plus(Duration.ofMinutes(17)).getEpochSecond();
		github.stubFor(post(urlEqualTo(DISPATCH))
			.willReturn(error(403, "API rate limit exceeded for user ID 1.").withHeader("x-ratelimit-limit", "5000")
				.withHeader("x-ratelimit-remaining", "0")
				.withHeader("x-ratelimit-reset", Long.toString(reset))));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isEqualTo(Instant.ofEpochSecond(reset));
	}

	@Test
	void forbiddenWithRetryAfterWaitsThatLong() {
		github.stubFor(post(urlEqualTo(DISPATCH))
			.willReturn(error(403, "You have exceeded a secondary rate limit.").withHeader("retry-after", "30")));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isEqualTo(START.plusSeconds(30));
	}

	@Test
	void aSecondaryRateLimitWithoutHeadersWaitsAMinute() {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(error(403,
				"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isEqualTo(START.plusSeconds(60));
	}

	@Test
	void tooManyRequestsHonoursRetryAfter() {
		github.stubFor(
				post(urlEqualTo(DISPATCH)).willReturn(error(429, "Too many requests").withHeader("retry-after", "60")));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isEqualTo(START.plusSeconds(60));
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@ParameterizedTest
	@ValueSource(ints = { 500, 502, 503, 504 })
	void serverErrorsAreTransient(int status) {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(aResponse().withStatus(status)
			.withHeader("Content-Type", "text/html")
			.withBody("<html>Unicorn!</html>")));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isNull();
		assertThat(failure.getMessage()).contains(Integer.toString(status)).doesNotContain("Unicorn");
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@Test
	void aServerErrorWithRetryAfterWaitsThatLong() {
		github.stubFor(
				post(urlEqualTo(DISPATCH)).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "120")));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isEqualTo(START.plusSeconds(120));
	}

	@Test
	void aTimeoutIsTransientAndTheOutcomeUnknown() {
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS).withFixedDelay(1500)));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isNull();
		assertThat(failure.getMessage()).contains("did not answer within 500 ms").contains("outcome is unknown");
	}

	@Test
	void aRefusedConnectionIsTransient() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}

		TriggerFailure failure = failureOf(call(target("http://127.0.0.1:" + closedPort), Map.of(), 1));

		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isNull();
		assertThat(failure.getMessage()).contains("could not connect");
	}

	@Test
	void gitHubsMessageIsBoundedAndNeverRepeatsTheToken() {
		String longMessage = "Bad credentials for " + TOKEN + " " + "x".repeat(1000);
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(error(401, longMessage)));

		TriggerFailure failure = failureOf(call(target(base()), Map.of(), 1));

		assertThat(failure.getMessage()).contains("Bad credentials for [hidden]").doesNotContain("x".repeat(301));
		assertThat(failure.getMessage().length()).isLessThan(600);
	}

	@Test
	void anOversizedAnswerIsNotRead() {
		String huge = "{\"workflow_run_id\": 1, \"padding\": \"" + "x".repeat(GitHubTransport.MAX_RESPONSE_BYTES)
				+ "\"}";
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(huge)));
		github.stubFor(get(urlPathEqualTo(RUNS)).willReturn(okJson(runs())));

		// Started (200), but the details are not taken from an answer that large.
		assertThat(this.client.trigger(call(target(base()), Map.of(), 1))).isEqualTo(new Run(null, null));
	}

	// ---- outcome unknown: later attempts look first ----

	@Test
	void aLaterAttemptReturnsTheRunAnEarlierAttemptStartedWithoutDispatching() {
		github.stubFor(get(urlPathEqualTo(RUNS)).willReturn(okJson(runs(run(98, "deploy"),
				"{\"id\": 4713, \"name\": \"Deploy\", \"display_title\": \"tollgate " + this.decisionId + " OPS-17\","
						+ " \"html_url\": \"https://github.com/acme/shop/actions/runs/4713\"}"))));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		Run run = this.client.trigger(call(target(base()), Map.of(), 2));

		assertThat(run).isEqualTo(new Run("4713", "https://github.com/acme/shop/actions/runs/4713"));
		github.verify(0, postRequestedFor(urlEqualTo(DISPATCH)));
		github.verify(1,
				getRequestedFor(urlPathEqualTo(RUNS)).withQueryParam("event", equalTo("workflow_dispatch"))
					.withQueryParam("created", equalTo(">=" + iso(START.minus(GitHubActionsClient.RETRY_LOOKBACK))))
					.withQueryParam("per_page", equalTo(String.valueOf(GitHubRuns.RUNS_PER_PAGE)))
					.withQueryParam("page", equalTo("1"))
					.withHeader("Authorization", equalTo("Bearer " + TOKEN))
					.withHeader("Accept", equalTo("application/vnd.github+json"))
					.withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
					.withHeader("User-Agent", equalTo("tollgate")));
	}

	@Test
	void aLaterAttemptFindsTheRunBehindAFullPageOfNewerRuns() {
		// A busy workflow: by the time the lease of a crashed attempt expires, runs of
		// other decisions
		// fill the first page (seen in the fault-injection crash scenario as repeated
		// dispatches).
		String[] newer = new String[GitHubRuns.RUNS_PER_PAGE];
		for (int i = 0; i < newer.length; i++) {
			newer[i] = run(5000 + i, "deploy other-decision-" + i);
		}
		github.stubFor(get(urlPathEqualTo(RUNS)).withQueryParam("page", equalTo("1")).willReturn(okJson(runs(newer))));
		github.stubFor(get(urlPathEqualTo(RUNS)).withQueryParam("page", equalTo("2"))
			.willReturn(okJson(runs(run(4714, "deploy (tollgate " + this.decisionId + ")")))));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		Run run = this.client.trigger(call(target(base()), Map.of(), 2));

		assertThat(run.runId()).isEqualTo("4714");
		github.verify(0, postRequestedFor(urlEqualTo(DISPATCH)));
		github.verify(2, getRequestedFor(urlPathEqualTo(RUNS)));
	}

	@Test
	void theLookUpReadsABoundedNumberOfPages() {
		String[] full = new String[GitHubRuns.RUNS_PER_PAGE];
		for (int i = 0; i < full.length; i++) {
			full[i] = run(5000 + i, "deploy other-decision-" + i);
		}
		github.stubFor(get(urlPathEqualTo(RUNS)).willReturn(okJson(runs(full))));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		Run run = this.client.trigger(call(target(base()), Map.of(), 2));

		assertThat(run.runId()).isEqualTo("4711");
		github.verify(GitHubRuns.MAX_LOOKUP_PAGES, getRequestedFor(urlPathEqualTo(RUNS)));
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@Test
	void aLaterAttemptDispatchesWhenNoRunCarriesTheDecisionId() {
		github.stubFor(get(urlPathEqualTo(RUNS)).willReturn(okJson(runs(run(98, "deploy something else")))));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		Run run = this.client.trigger(call(target(base()), Map.of(), 3));

		assertThat(run.runId()).isEqualTo("4711");
		github.verify(1, getRequestedFor(urlPathEqualTo(RUNS)));
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@ParameterizedTest
	@ValueSource(ints = { 403, 404 })
	void aLookupThatCannotWorkIsIgnored(int status) {
		github.stubFor(get(urlPathEqualTo(RUNS)).willReturn(error(status, "nope")));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		Run run = this.client.trigger(call(target(base()), Map.of(), 2));

		assertThat(run.runId()).isEqualTo("4711");
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@ParameterizedTest
	@ValueSource(ints = { 429, 500, 502, 503 })
	void aLookupThatGetsNoAnswerFailsTheAttemptInsteadOfDispatchingBlind(int status) {
		// The earlier attempt's run may be on the page that failed: a dispatch now could
		// be a second run.
		github.stubFor(get(urlPathEqualTo(RUNS)).willReturn(error(status, "try later")));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		assertThatThrownBy(() -> this.client.trigger(call(target(base()), Map.of(), 2)))
			.isInstanceOfSatisfying(TriggerFailure.class, (failure) -> assertThat(failure.permanent()).isFalse());
		github.verify(0, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@Test
	void aRateLimitedLookupWaitsForTheResetInsteadOfDispatchingBlind() {
		long reset = this.clock.instant().plusSeconds(600).getEpochSecond();
		github.stubFor(get(urlPathEqualTo(RUNS))
			.willReturn(error(403, "API rate limit exceeded for installation").withHeader("x-ratelimit-remaining", "0")
				.withHeader("x-ratelimit-reset", Long.toString(reset))));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		assertThatThrownBy(() -> this.client.trigger(call(target(base()), Map.of(), 2)))
			.isInstanceOfSatisfying(TriggerFailure.class, (failure) -> {
				assertThat(failure.permanent()).isFalse();
				assertThat(failure.retryAfter()).isEqualTo(java.time.Instant.ofEpochSecond(reset));
			});
		github.verify(0, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@ParameterizedTest
	@ValueSource(strings = { "oversized", "not json", "no list" })
	void aLookupAnswerThatCannotBeReadFailsTheAttemptInsteadOfDispatchingBlind(String answer) {
		// Fifty runs with long commit messages can pass the read limit; the earlier run
		// may be among them.
		String body = switch (answer) {
			case "oversized" ->
				runs("{\"id\": 1, \"name\": \"" + "x".repeat(GitHubTransport.MAX_RESPONSE_BYTES) + "\"}");
			case "not json" -> "<html>unicorn</html>";
			default -> "{\"total_count\": 1}";
		};
		github.stubFor(get(urlPathEqualTo(RUNS)).willReturn(okJson(body)));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		assertThatThrownBy(() -> this.client.trigger(call(target(base()), Map.of(), 2)))
			.isInstanceOfSatisfying(TriggerFailure.class, (failure) -> assertThat(failure.permanent()).isFalse());
		github.verify(0, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@Test
	void aLookupThatTimesOutFailsTheAttemptInsteadOfDispatchingBlind() {
		github.stubFor(get(urlPathEqualTo(RUNS)).willReturn(okJson(runs()).withFixedDelay(1500)));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		assertThatThrownBy(() -> this.client.trigger(call(target(base()), Map.of(), 2)))
			.isInstanceOfSatisfying(TriggerFailure.class, (failure) -> assertThat(failure.permanent()).isFalse());
		github.verify(0, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	// ---- GitHub App ----

	@Test
	void appAuthSignsAnRs256JwtAndDispatchesWithTheInstallationToken() throws Exception {
		stubAccessToken(INSTALLATION_TOKEN, START.plus(Duration.ofHours(1)));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		Run run = this.client.trigger(appCall(pkcs8Pem(), 1));

		assertThat(run.runId()).isEqualTo("4711");
		LoggedRequest tokenRequest = github.findAll(postRequestedFor(urlEqualTo(ACCESS_TOKENS))).get(0);
		assertThat(tokenRequest.getHeader("Accept")).isEqualTo("application/vnd.github+json");
		assertThat(tokenRequest.getHeader("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
		assertThat(tokenRequest.getHeader("User-Agent")).isEqualTo("tollgate");
		assertValidJwt(tokenRequest.getHeader("Authorization"));
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH))
			.withHeader("Authorization", equalTo("Bearer " + INSTALLATION_TOKEN))
			.withRequestBody(matchingJsonPath("$.inputs.tollgate_decision_id", equalTo(this.decisionId.toString()))));
	}

	@Test
	void appAuthReadsAPkcs1Key() throws Exception {
		stubAccessToken(INSTALLATION_TOKEN, START.plus(Duration.ofHours(1)));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		this.client.trigger(appCall(pkcs1Pem(), 1));

		assertValidJwt(github.findAll(postRequestedFor(urlEqualTo(ACCESS_TOKENS))).get(0).getHeader("Authorization"));
	}

	@Test
	void appAuthReadsAPemWithEscapedLineBreaks() throws Exception {
		stubAccessToken(INSTALLATION_TOKEN, START.plus(Duration.ofHours(1)));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		this.client.trigger(appCall(pkcs8Pem().replace("\n", "\\n"), 1));

		assertValidJwt(github.findAll(postRequestedFor(urlEqualTo(ACCESS_TOKENS))).get(0).getHeader("Authorization"));
	}

	@Test
	void appAuthOnEnterpriseServerUsesTheApiPrefix() {
		github.stubFor(post(urlEqualTo("/api/v3" + ACCESS_TOKENS))
			.willReturn(accessToken(INSTALLATION_TOKEN, START.plus(Duration.ofHours(1)))));
		github.stubFor(post(urlEqualTo("/api/v3" + DISPATCH)).willReturn(okJson(RUN_DETAILS)));

		this.client
			.trigger(new TriggerCall(appTarget(base() + "/api/v3"), request(), Map.of(), new Secret(pkcs8Pem()), 1));

		github.verify(1, postRequestedFor(urlEqualTo("/api/v3" + ACCESS_TOKENS)));
		github.verify(1, postRequestedFor(urlEqualTo("/api/v3" + DISPATCH)).withHeader("Authorization",
				equalTo("Bearer " + INSTALLATION_TOKEN)));
	}

	@Test
	void theInstallationTokenIsReusedUntilFiveMinutesBeforeItExpires() {
		stubAccessToken(INSTALLATION_TOKEN, START.plus(Duration.ofHours(1)));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));
		String pem = pkcs8Pem();

		this.client.trigger(appCall(pem, 1));
		this.clock.advance(Duration.ofMinutes(54));
		this.client.trigger(appCall(pem, 1));

		github.verify(1, postRequestedFor(urlEqualTo(ACCESS_TOKENS)));
		github.verify(2, postRequestedFor(urlEqualTo(DISPATCH)).withHeader("Authorization",
				equalTo("Bearer " + INSTALLATION_TOKEN)));

		this.clock.advance(Duration.ofMinutes(2));
		this.client.trigger(appCall(pem, 1));

		github.verify(2, postRequestedFor(urlEqualTo(ACCESS_TOKENS)));
	}

	@Test
	void aTokenAlreadyNearExpiryIsNotReused() {
		stubAccessToken(INSTALLATION_TOKEN, START.plus(Duration.ofMinutes(4)));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));
		String pem = pkcs8Pem();

		this.client.trigger(appCall(pem, 1));
		this.client.trigger(appCall(pem, 1));

		github.verify(2, postRequestedFor(urlEqualTo(ACCESS_TOKENS)));
	}

	@Test
	void tokensAreCachedPerInstallation() {
		stubAccessToken(INSTALLATION_TOKEN, START.plus(Duration.ofHours(1)));
		github.stubFor(post(urlEqualTo("/app/installations/456/access_tokens"))
			.willReturn(accessToken("ghs_other", START.plus(Duration.ofHours(1)))));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));
		String pem = pkcs8Pem();

		this.client.trigger(appCall(pem, 1));
		this.client.trigger(new TriggerCall(withAuth(target(base()), "APP", "12345", "456"), request(), Map.of(),
				new Secret(pem), 1));

		github.verify(1, postRequestedFor(urlEqualTo(ACCESS_TOKENS)));
		github.verify(1, postRequestedFor(urlEqualTo("/app/installations/456/access_tokens")));
		github.verify(1,
				postRequestedFor(urlEqualTo(DISPATCH)).withHeader("Authorization", equalTo("Bearer ghs_other")));
	}

	@Test
	void aRefusedJwtIsPermanentAndNothingIsDispatched() {
		github.stubFor(post(urlEqualTo(ACCESS_TOKENS)).willReturn(error(401, "A JSON web token could not be decoded")));

		TriggerFailure failure = failureOf(appCall(pkcs8Pem(), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("401").contains("JWT").contains("12345");
		github.verify(0, postRequestedFor(urlEqualTo(DISPATCH)));
	}

	@Test
	void aRateLimitedTokenRequestIsTransient() {
		github.stubFor(
				post(urlEqualTo(ACCESS_TOKENS)).willReturn(error(429, "slow down").withHeader("Retry-After", "5")));

		TriggerFailure failure = failureOf(appCall(pkcs8Pem(), 1));

		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isEqualTo(START.plusSeconds(5));
	}

	@Test
	void aRevokedCachedInstallationTokenIsReplacedOnce() {
		github.stubFor(post(urlEqualTo(ACCESS_TOKENS)).inScenario("tokens")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(accessToken("ghs_old", START.plus(Duration.ofHours(1))))
			.willSetStateTo("renewed"));
		github.stubFor(post(urlEqualTo(ACCESS_TOKENS)).inScenario("tokens")
			.whenScenarioStateIs("renewed")
			.willReturn(accessToken("ghs_new", START.plus(Duration.ofHours(1)))));
		github.stubFor(post(urlEqualTo(DISPATCH)).withHeader("Authorization", equalTo("Bearer ghs_old"))
			.willReturn(okJson(RUN_DETAILS)));
		String pem = pkcs8Pem();
		this.client.trigger(appCall(pem, 1));
		// Now the old token is revoked.
		github.stubFor(post(urlEqualTo(DISPATCH)).withHeader("Authorization", equalTo("Bearer ghs_old"))
			.willReturn(error(401, "Bad credentials")));
		github.stubFor(post(urlEqualTo(DISPATCH)).withHeader("Authorization", equalTo("Bearer ghs_new"))
			.willReturn(okJson(RUN_DETAILS)));

		Run run = this.client.trigger(appCall(pem, 1));

		assertThat(run.runId()).isEqualTo("4711");
		github.verify(2, postRequestedFor(urlEqualTo(ACCESS_TOKENS)));
		github.verify(2, postRequestedFor(urlEqualTo(DISPATCH)).withHeader("Authorization", equalTo("Bearer ghs_old")));
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)).withHeader("Authorization", equalTo("Bearer ghs_new")));
	}

	@Test
	void aFreshInstallationTokenRefusedWith401IsPermanentAndDropped() {
		stubAccessToken(INSTALLATION_TOKEN, START.plus(Duration.ofHours(1)));
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(error(401, "Bad credentials")));
		String pem = pkcs8Pem();

		TriggerFailure failure = failureOf(appCall(pem, 1));

		assertThat(failure.permanent()).isTrue();
		github.verify(1, postRequestedFor(urlEqualTo(DISPATCH)));
		github.verify(1, postRequestedFor(urlEqualTo(ACCESS_TOKENS)));

		// The next attempt (after a redrive) fetches a new token instead of reusing the
		// refused one.
		github.stubFor(post(urlEqualTo(DISPATCH)).willReturn(okJson(RUN_DETAILS)));
		this.client.trigger(appCall(pem, 1));
		github.verify(2, postRequestedFor(urlEqualTo(ACCESS_TOKENS)));
	}

	@Test
	void theInstallationTokenNeverAppearsInAFailure() {
		stubAccessToken(INSTALLATION_TOKEN, START.plus(Duration.ofHours(1)));
		github.stubFor(post(urlEqualTo(DISPATCH))
			.willReturn(error(403, "Resource not accessible by integration (token " + INSTALLATION_TOKEN + ")")));

		TriggerFailure failure = failureOf(appCall(pkcs8Pem(), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("Resource not accessible by integration")
			.doesNotContain(INSTALLATION_TOKEN);
	}

	@Test
	void anUnreadablePrivateKeyIsPermanentAndNotQuoted() {
		String garbage = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n";

		TriggerFailure failure = failureOf(appCall(garbage, 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("private key could not be read").doesNotContain("bm90IGEga2V5");
		github.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void aCredentialThatIsNoPemKeyIsPermanent() {
		TriggerFailure failure = failureOf(appCall(TOKEN, 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("not a PEM private key");
	}

	@Test
	void anEncryptedKeyIsPermanent() {
		TriggerFailure failure = failureOf(appCall(
				"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJBgkq\n-----END ENCRYPTED PRIVATE KEY-----\n", 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("encrypted");
	}

	@Test
	void appAuthWithoutInstallationIdIsPermanent() {
		Target target = withAuth(target(base()), "APP", "12345", null);

		TriggerFailure failure = failureOf(new TriggerCall(target, request(), Map.of(), new Secret(pkcs8Pem()), 1));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("installationId");
	}

	@Test
	void noCredentialInToString() {
		assertThat(new Secret(TOKEN).toString()).doesNotContain(TOKEN);
		assertThat(call(target(base()), Map.of(), 1).toString()).doesNotContain(TOKEN);
		assertThat(this.client.toString()).doesNotContain(TOKEN);
	}

	// ---- helpers ----

	private GitHubActionsClient client(OutboundPolicy policy) {
		return new GitHubActionsClient(policy,
				new PipelineProperties(Duration.ofSeconds(2), Duration.ofMillis(500), 5, Duration.ofSeconds(30)),
				this.clock, Duration.ZERO);
	}

	/** The failure, checked never to carry a credential. */
	private TriggerFailure failureOf(TriggerCall call) {
		TriggerFailure failure = catchThrowableOfType(TriggerFailure.class, () -> this.client.trigger(call));
		assertThat(failure).as("a TriggerFailure").isNotNull();
		assertThat(failure.getMessage()).doesNotContain(TOKEN)
			.doesNotContain(INSTALLATION_TOKEN)
			.doesNotContain("PRIVATE KEY-----\nMII")
			.doesNotContain(Base64.getEncoder().encodeToString(appKey.getPrivate().getEncoded()).substring(0, 40));
		return failure;
	}

	private void assertValidJwt(String authorization) throws Exception {
		assertThat(authorization).startsWith("Bearer ");
		String jwt = authorization.substring("Bearer ".length());
		String[] parts = jwt.split("\\.", -1);
		assertThat(parts).hasSize(3);
		Base64.Decoder decoder = Base64.getUrlDecoder();
		JsonNode header = JSON.readTree(decoder.decode(parts[0]));
		assertThat(header.get("alg").stringValue()).isEqualTo("RS256");
		assertThat(header.get("typ").stringValue()).isEqualTo("JWT");
		JsonNode claims = JSON.readTree(decoder.decode(parts[1]));
		assertThat(claims.get("iss").asString()).isEqualTo("12345");
		assertThat(claims.get("iat").asLong()).isEqualTo(START.getEpochSecond() - 60);
		assertThat(claims.get("exp").asLong()).isEqualTo(START.plus(Duration.ofMinutes(9)).getEpochSecond());
		Signature signature = Signature.getInstance("SHA256withRSA");
		signature.initVerify(appKey.getPublic());
		signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
		assertThat(signature.verify(decoder.decode(parts[2]))).as("signature verifies with the App's public key")
			.isTrue();
		assertThat(((RSAPublicKey) appKey.getPublic()).getModulus().bitLength()).isEqualTo(2048);
	}

	private static void stubAccessToken(String token, Instant expiresAt) {
		github.stubFor(post(urlEqualTo(ACCESS_TOKENS)).willReturn(accessToken(token, expiresAt)));
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder accessToken(String token,
			Instant expiresAt) {
		return aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("""
				{"token": "%s", "expires_at": "%s",
				 "permissions": {"actions": "write"}, "repository_selection": "selected"}
				""".formatted(token, DateTimeFormatter.ISO_INSTANT.format(expiresAt)));
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder error(int status, String message) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"message\": " + JSON.writeValueAsString(message)
					+ ", \"documentation_url\": \"https://docs.github.com/rest\", \"status\": \"" + status + "\"}");
	}

	private static String runs(String... runs) {
		return "{\"total_count\": " + runs.length + ", \"workflow_runs\": [" + String.join(",", runs) + "]}";
	}

	private static String run(long id, String name) {
		return "{\"id\": " + id + ", \"name\": \"" + name + "\", \"display_title\": \"" + name + "\","
				+ " \"event\": \"workflow_dispatch\", \"status\": \"queued\","
				+ " \"url\": \"https://api.github.com/repos/acme/shop/actions/runs/" + id + "\","
				+ " \"html_url\": \"https://github.com/acme/shop/actions/runs/" + id + "\"}";
	}

	private static String iso(Instant instant) {
		return DateTimeFormatter.ISO_INSTANT.format(instant);
	}

	private static String onlyBody(String path) {
		List<LoggedRequest> requests = github.findAll(postRequestedFor(urlEqualTo(path)));
		assertThat(requests).hasSize(1);
		return requests.get(0).getBodyAsString();
	}

	private static Map<String, String> inputs(int count) {
		Map<String, String> inputs = new LinkedHashMap<>();
		for (int i = 1; i <= count; i++) {
			inputs.put("input_" + i, "value " + i);
		}
		return inputs;
	}

	private static String base() {
		return "http://127.0.0.1:" + github.port();
	}

	private static Target target(String baseUrl) {
		return target(baseUrl, "acme/shop", "deploy.yml");
	}

	private static Target target(String baseUrl, String repository, String workflow) {
		return new Target("deploy-prod", Target.Kind.GITHUB_ACTIONS, baseUrl, repository, workflow, null, null, "main",
				"env:GITHUB_TOKEN", Map.of("issue", "{{issue.key}}"), null, null, null, null, null);
	}

	private static Target withAuth(Target t, String auth, String appId, String installationId) {
		return new Target(t.name(), t.kind(), t.baseUrl(), t.repository(), t.workflow(), t.project(), t.job(), t.ref(),
				t.credentialRef(), t.inputs(), t.variables(), t.parameters(), auth, appId, installationId);
	}

	private static Target appTarget(String baseUrl) {
		return withAuth(target(baseUrl), "APP", "12345", "123");
	}

	private TriggerRequest request() {
		return new TriggerRequest(this.decisionId, "delivery-1", 7L, "prod deploy", "deploy-prod", "10001", "OPS-17",
				"OPS", "Story", "In Review", "Ready for Production", "5b10a2844c20165700ede21g", false);
	}

	private TriggerCall call(Target target, Map<String, String> values, int attempt) {
		return new TriggerCall(target, request(), values, new Secret(TOKEN), attempt);
	}

	private TriggerCall appCall(String pem, int attempt) {
		return new TriggerCall(appTarget(base()), request(), Map.of(), new Secret(pem), attempt);
	}

	private static String pkcs8Pem() {
		return pem("PRIVATE KEY", appKey.getPrivate().getEncoded());
	}

	/** The PKCS#1 RSAPrivateKey is the OCTET STRING inside the JDK's PKCS#8 encoding. */
	private static String pkcs1Pem() {
		byte[] pkcs8 = appKey.getPrivate().getEncoded();
		// SEQUENCE(4) INTEGER 0(3) AlgorithmIdentifier(15) OCTET STRING header (4: 04 82
		// hi lo).
		assertThat(pkcs8[22]).isEqualTo((byte) 0x04);
		assertThat(pkcs8[23]).isEqualTo((byte) 0x82);
		int length = ((pkcs8[24] & 0xff) << 8) | (pkcs8[25] & 0xff);
		byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, 26 + length);
		assertThat(26 + length).isEqualTo(pkcs8.length);
		return pem("RSA PRIVATE KEY", pkcs1);
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

}
