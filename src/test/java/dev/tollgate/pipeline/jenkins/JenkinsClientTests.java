package dev.tollgate.pipeline.jenkins;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.pipeline.TriggerRequest;
import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.outbound.OutboundPolicies;
import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.policy.Target;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

class JenkinsClientTests {

	private static final WireMockServer jenkins = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

	private static final String USER = "tollgate-bot";

	private static final String API_TOKEN = "11a0f4c2e9d8b7a6s3cr3t5e4d3c2b1a0f";

	private static final String CREDENTIAL = USER + ":" + API_TOKEN;

	private static final String BASIC = "Basic "
			+ Base64.getEncoder().encodeToString(CREDENTIAL.getBytes(StandardCharsets.UTF_8));

	private static final String BUILD_PATH = "/job/team/job/deploy/buildWithParameters";

	private static final String QUEUE_PATH = "/queue/item/39/api/json";

	private static final String JOB_API_PATH = "/job/team/job/deploy/api/json";

	private static final String CRUMB_PATH = "/crumbIssuer/api/json";

	private static final String FIRST_PAGE_TREE = "allBuilds[number,url,timestamp,actions[parameters[name,value]]]{0,100}";

	/**
	 * The tree the look-up asked for before it paged: Jenkins' {@code builds}, newest 20.
	 */
	private static final String NEWEST_TWENTY_TREE = "builds[number,url,actions[parameters[name,value]]]{0,20}";

	private static final UUID DECISION = UUID.fromString("0190b6f2-6c3e-7c1a-9a4e-2f5d8e1c0b7a");

	private JenkinsClient client;

	@BeforeAll
	static void start() {
		jenkins.start();
	}

	@AfterAll
	static void stop() {
		jenkins.stop();
	}

	@BeforeEach
	void setUp() {
		jenkins.resetAll();
		this.client = client(OutboundPolicies.forLocalStubs(), Duration.ofSeconds(2));
	}

	@AfterEach
	void tearDown() throws Exception {
		this.client.destroy();
	}

	// --- trigger and queue polling
	// ------------------------------------------------------------

	@Test
	void postsParametersWithBasicAuthThenPollsTheQueueUntilTheBuildStarts() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).inScenario("queue")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(okJson(waiting(39)))
			.willSetStateTo("waited once"));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).inScenario("queue")
			.whenScenarioStateIs("waited once")
			.willReturn(okJson(waiting(39)))
			.willSetStateTo("started"));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).inScenario("queue")
			.whenScenarioStateIs("started")
			.willReturn(okJson(started(39, 35))));
		PipelineProvider.Run run = this.client.trigger(call(target(base(), "team/deploy"), 1));
		assertThat(run).isEqualTo(new PipelineProvider.Run("35", base() + "/job/team/job/deploy/35/"));
		jenkins.verify(1,
				postRequestedFor(urlPathEqualTo(BUILD_PATH)).withHeader("Authorization", equalTo(BASIC))
					.withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
					.withHeader("Jenkins-Crumb", absent())
					.withFormParam("ISSUE", equalTo("OPS-17"))
					.withFormParam("NOTE", equalTo("a&b=c d+e"))
					.withFormParam("TOLLGATE_DECISION_ID", equalTo(DECISION.toString())));
		jenkins.verify(3, getRequestedFor(urlPathEqualTo(QUEUE_PATH)).withHeader("Authorization", equalTo(BASIC)));
		jenkins.verify(0, getRequestedFor(urlPathEqualTo(CRUMB_PATH)));
	}

	@Test
	void nestedFoldersUnderAContextPathAreEncodedSegmentBySegment() {
		String path = "/jenkins/job/platform/job/team%20a/job/deploy/buildWithParameters";
		jenkins.stubFor(post(urlPathEqualTo(path))
			.willReturn(aResponse().withStatus(201).withHeader("Location", base() + "/jenkins/queue/item/7/")));
		jenkins.stubFor(get(urlPathEqualTo("/jenkins/queue/item/7/api/json")).willReturn(okJson(
				started(7, 12).replace("/job/team/job/deploy/", "/jenkins/job/platform/job/team%20a/job/deploy/"))));
		PipelineProvider.Run run = this.client.trigger(call(target(base() + "/jenkins/", "platform/team a/deploy"), 1));
		assertThat(run)
			.isEqualTo(new PipelineProvider.Run("12", base() + "/jenkins/job/platform/job/team%20a/job/deploy/12/"));
		jenkins.verify(1, postRequestedFor(urlPathEqualTo(path)).withHeader("Authorization", equalTo(BASIC))
			.withFormParam("TOLLGATE_DECISION_ID", equalTo(DECISION.toString())));
		jenkins.verify(2, anyRequestedFor(anyUrl()));
	}

	@Test
	void reservedCharactersInJobNamesAreEncodedNotInterpreted() {
		// '?' and '#' must not start a query or fragment: each name is encoded as one
		// path segment.
		String path = "/job/a%3Fb/job/c%23d/buildWithParameters";
		jenkins.stubFor(post(urlPathEqualTo(path)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 1))));
		this.client.trigger(call(target(base(), "a?b/c#d"), 1));
		jenkins.verify(1, postRequestedFor(urlPathEqualTo(path)));
	}

	@Test
	void theQueueItemIsPolledAtTheBaseUrlNotWhereverLocationPoints() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(aResponse().withStatus(201)
			.withHeader("Location", "http://jenkins.internal.invalid:8080/queue/item/39/")));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 35))));
		assertThat(this.client.trigger(call(target(base(), "team/deploy"), 1)).runId()).isEqualTo("35");
		jenkins.verify(1, getRequestedFor(urlPathEqualTo(QUEUE_PATH)).withHeader("Authorization", equalTo(BASIC)));
	}

	@Test
	void aCancelledQueueItemIsPermanent() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson("""
				{"_class":"hudson.model.Queue$LeftItem","id":39,"cancelled":true,"executable":null,
				 "url":"queue/item/39/","why":null}
				""")));
		TriggerFailure failure = failure(call(target(base(), "team/deploy"), 1));
		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("queue item cancelled");
	}

	@Test
	void anExpiredQueueItemIsResolvedByLookingUpTheBuild() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(notFound()));
		jenkins.stubFor(get(urlPathEqualTo(JOB_API_PATH)).willReturn(okJson(builds(DECISION.toString(), 35))));
		PipelineProvider.Run run = this.client.trigger(call(target(base(), "team/deploy"), 1));
		assertThat(run).isEqualTo(new PipelineProvider.Run("35", base() + "/job/team/job/deploy/35/"));
		jenkins.verify(1, getRequestedFor(urlPathEqualTo(JOB_API_PATH)).withHeader("Authorization", equalTo(BASIC))
			.withQueryParam("tree", equalTo(FIRST_PAGE_TREE)));
	}

	@Test
	void anExpiredQueueItemWithoutAMatchingBuildReturnsTheQueueUrl() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(notFound()));
		jenkins.stubFor(get(urlPathEqualTo(JOB_API_PATH)).willReturn(okJson(builds(UUID.randomUUID().toString(), 34))));
		PipelineProvider.Run run = this.client.trigger(call(target(base(), "team/deploy"), 1));
		assertThat(run).isEqualTo(new PipelineProvider.Run(null, base() + "/queue/item/39/"));
	}

	@Test
	void pollingStopsWithinItsBudgetAndTheTriggerStillSucceeds() throws Exception {
		JenkinsClient shortBudget = client(OutboundPolicies.forLocalStubs(), Duration.ofMillis(600));
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(waiting(39))));
		try {
			long start = System.nanoTime();
			PipelineProvider.Run run = shortBudget.trigger(call(target(base(), "team/deploy"), 1));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			assertThat(run).isEqualTo(new PipelineProvider.Run(null, base() + "/queue/item/39/"));
			assertThat(jenkins.findAll(getRequestedFor(urlPathEqualTo(QUEUE_PATH)))).hasSizeBetween(2, 20);
		}
		finally {
			shortBudget.destroy();
		}
	}

	@Test
	void aMergedDuplicateReturningThePreviousLocationIsFine() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 35))));
		PipelineProvider.Run first = this.client.trigger(call(target(base(), "team/deploy"), 1));
		PipelineProvider.Run second = this.client.trigger(call(target(base(), "team/deploy"), 1));
		assertThat(second).isEqualTo(first)
			.isEqualTo(new PipelineProvider.Run("35", base() + "/job/team/job/deploy/35/"));
		jenkins.verify(2, postRequestedFor(urlPathEqualTo(BUILD_PATH)));
	}

	/**
	 * Jenkins (since about 2.309) answers 303 See Other with the waiting item's
	 * {@code Location} when it merges the request into an identical one already queued.
	 */
	@Test
	void aMergedRequestAnsweredWith303SeeOtherIsQueuedAndItsBuildFollowed() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH))
			.willReturn(aResponse().withStatus(303).withHeader("Location", base() + "/queue/item/39/")));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 35))));
		assertThat(this.client.trigger(call(target(base(), "team/deploy"), 1)))
			.isEqualTo(new PipelineProvider.Run("35", base() + "/job/team/job/deploy/35/"));
		jenkins.verify(1, postRequestedFor(urlPathEqualTo(BUILD_PATH)));
		jenkins.verify(1, getRequestedFor(urlPathEqualTo(QUEUE_PATH)).withHeader("Authorization", equalTo(BASIC)));
	}

	@Test
	void a303ToAQueueItemUnderAnotherBaseUrlIsRefused() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(aResponse().withStatus(303)
			.withHeader("Location", "http://jenkins.internal.invalid:8080/queue/item/39/")));
		TriggerFailure failure = failure(call(target(base(), "team/deploy"), 1));
		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("303").contains("redirected");
		jenkins.verify(1, anyRequestedFor(anyUrl()));
	}

	@ParameterizedTest
	@ValueSource(ints = { 301, 302, 307 })
	void otherRedirectsAreRefusedEvenToAQueueItem(int status) {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH))
			.willReturn(aResponse().withStatus(status).withHeader("Location", base() + "/queue/item/39/")));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 35))));
		TriggerFailure failure = failure(call(target(base(), "team/deploy"), 1));
		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains(String.valueOf(status)).contains("redirected");
		jenkins.verify(0, getRequestedFor(urlPathEqualTo(QUEUE_PATH)));
	}

	@Test
	void a303ToSomethingOtherThanAQueueItemIsRefused() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH))
			.willReturn(aResponse().withStatus(303).withHeader("Location", base() + "/login?from=%2Fjob%2Fteam")));
		TriggerFailure failure = failure(call(target(base(), "team/deploy"), 1));
		assertThat(failure.permanent()).isTrue();
		jenkins.verify(1, anyRequestedFor(anyUrl()));
	}

	@Test
	void aSuccessWithoutLocationStillSucceeds() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(aResponse().withStatus(201)));
		assertThat(this.client.trigger(call(target(base(), "team/deploy"), 1)))
			.isEqualTo(new PipelineProvider.Run(null, null));
		jenkins.verify(1, anyRequestedFor(anyUrl()));
	}

	// --- CSRF crumb
	// ---------------------------------------------------------------------------

	@Test
	void aCrumbRefusalFetchesACrumbWithItsSessionCookieAndRetriesOnce() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).atPriority(5)
			.willReturn(aResponse().withStatus(403)
				.withHeader("Content-Type", "text/html")
				.withBody(
						"<html><body><h2>HTTP ERROR 403 No valid crumb was included in the request</h2></body></html>")));
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).atPriority(1)
			.withHeader("Jenkins-Crumb", equalTo("6e78c0ffee"))
			.willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(CRUMB_PATH)).willReturn(
				okJson("""
						{"_class":"hudson.security.csrf.DefaultCrumbIssuer","crumb":"6e78c0ffee","crumbRequestField":"Jenkins-Crumb"}
						""")
					.withHeader("Set-Cookie", "JSESSIONID.8d2f1c3a=node0abc123; Path=/; HttpOnly")));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 35))));
		PipelineProvider.Run run = this.client.trigger(call(target(base(), "team/deploy"), 1));
		assertThat(run.runId()).isEqualTo("35");
		jenkins.verify(1, getRequestedFor(urlPathEqualTo(CRUMB_PATH)).withHeader("Authorization", equalTo(BASIC)));
		jenkins.verify(2, postRequestedFor(urlPathEqualTo(BUILD_PATH)));
		jenkins.verify(1,
				postRequestedFor(urlPathEqualTo(BUILD_PATH)).withHeader("Authorization", equalTo(BASIC))
					.withHeader("Jenkins-Crumb", equalTo("6e78c0ffee"))
					.withHeader("Cookie", equalTo("JSESSIONID.8d2f1c3a=node0abc123"))
					.withFormParam("TOLLGATE_DECISION_ID", equalTo(DECISION.toString())));
	}

	@Test
	void aCrumbRefusalWhileTheCrumbIssuerIsOffIsPermanent() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH))
			.willReturn(aResponse().withStatus(403).withBody("No valid crumb was included in the request")));
		jenkins.stubFor(get(urlPathEqualTo(CRUMB_PATH)).willReturn(notFound()));
		TriggerFailure failure = failure(call(target(base(), "team/deploy"), 1));
		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("403", "crumb issuer answers 404");
		jenkins.verify(1, postRequestedFor(urlPathEqualTo(BUILD_PATH)));
	}

	@Test
	void aCrumbRefusedAgainIsPermanentAfterOneRetry() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH))
			.willReturn(aResponse().withStatus(403).withBody("No valid crumb was included in the request")));
		jenkins.stubFor(get(urlPathEqualTo(CRUMB_PATH))
			.willReturn(okJson("{\"crumb\":\"abc\",\"crumbRequestField\":\"Jenkins-Crumb\"}")));
		TriggerFailure failure = failure(call(target(base(), "team/deploy"), 1));
		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("403", "crumb");
		jenkins.verify(2, postRequestedFor(urlPathEqualTo(BUILD_PATH)));
		jenkins.verify(1, getRequestedFor(urlPathEqualTo(CRUMB_PATH)));
	}

	@Test
	void aPermissionRefusalIsPermanentWithoutFetchingACrumb() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(
				aResponse().withStatus(403).withBody("<html>tollgate-bot is missing the Job/Build permission</html>")));
		TriggerFailure failure = failure(call(target(base(), "team/deploy"), 1));
		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("403", "Job/Build permission");
		jenkins.verify(1, anyRequestedFor(anyUrl()));
	}

	// --- failures
	// -----------------------------------------------------------------------------

	@ParameterizedTest
	@ValueSource(ints = { 400, 401, 404 })
	void clientErrorsArePermanent(int status) {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH))
			.willReturn(aResponse().withStatus(status).withBody("<html>Error " + status + "</html>")));
		TriggerFailure failure = failure(call(target(base(), "team/deploy"), 1));
		assertThat(failure.permanent()).isTrue();
		assertThat(failure.retryAfter()).isNull();
		assertThat(failure.getMessage()).contains(String.valueOf(status));
		jenkins.verify(1, anyRequestedFor(anyUrl()));
	}

	@Test
	void anUnknownJobNamesThePath() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(notFound()));
		assertThat(failure(call(target(base(), "team/deploy"), 1)).getMessage()).contains("/job/team/job/deploy");
	}

	@Test
	void restartingIsTransientAndHonoursRetryAfter() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(aResponse().withStatus(503)
			.withHeader("Retry-After", "120")
			.withBody("<html>Jenkins is getting ready to work</html>")));
		Instant before = Instant.now();
		TriggerFailure failure = failure(call(target(base(), "team/deploy"), 1));
		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isBetween(before.plusSeconds(119), Instant.now().plusSeconds(121));
		jenkins.verify(1, anyRequestedFor(anyUrl()));
	}

	@ParameterizedTest
	@ValueSource(ints = { 500, 502, 503, 504 })
	void serverErrorsAreTransient(int status) {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(aResponse().withStatus(status)));
		TriggerFailure failure = failure(call(target(base(), "team/deploy"), 1));
		assertThat(failure.permanent()).isFalse();
		assertThat(failure.retryAfter()).isNull();
		assertThat(failure.getMessage()).contains(String.valueOf(status));
	}

	@Test
	void slowResponsePastTheReadTimeoutIsTransient() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39).withFixedDelay(1_500)));
		TriggerFailure failure = failure(call(target(base(), "team/deploy"), 1));
		assertThat(failure.permanent()).isFalse();
		assertThat(failure.getMessage()).contains("did not answer", "POST " + BUILD_PATH);
	}

	@Test
	void connectionRefusedIsTransient() throws Exception {
		TriggerFailure failure = failure(call(target("http://127.0.0.1:" + closedPort(), "team/deploy"), 1));
		assertThat(failure.permanent()).isFalse();
		assertThat(failure.getMessage()).contains("did not answer");
	}

	@Test
	void aCredentialThatIsNotUserColonTokenIsPermanentWithoutACall() {
		Target target = target(base(), "team/deploy");
		TriggerRequest request = request(target);
		String tokenOnly = "just-a-t0ken-without-user";
		PipelineProvider.TriggerCall call = new PipelineProvider.TriggerCall(target, request, Map.of(),
				new Secret(tokenOnly), 1);
		TriggerFailure failure = failure(call);
		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("user:apiToken").doesNotContain(tokenOnly);
		jenkins.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void dotSegmentsInTheJobAndAMissingBaseUrlArePermanentWithoutACall() {
		assertThat(failure(call(target(base(), "team/../../script"), 1)).permanent()).isTrue();
		assertThat(failure(call(target(null, "team/deploy"), 1)).getMessage()).contains("no baseUrl");
		jenkins.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void aUrlTheOutboundPolicyRefusesIsPermanentAndNothingIsSent() throws Exception {
		JenkinsClient httpsOnly = client(OutboundPolicies.of(false, true), Duration.ofSeconds(2));
		try {
			TriggerFailure failure = failure(httpsOnly, call(target(base(), "team/deploy"), 1));
			assertThat(failure.permanent()).isTrue();
			assertThat(failure.getMessage()).contains("only https");
		}
		finally {
			httpsOnly.destroy();
		}
		jenkins.verify(0, anyRequestedFor(anyUrl()));
	}

	// --- outcome unknown
	// ----------------------------------------------------------------------

	@Test
	void repeatedAttemptFindsTheBuildByTheDecisionIdAndSendsNothing() {
		jenkins.stubFor(get(urlPathEqualTo(JOB_API_PATH)).willReturn(okJson(builds(DECISION.toString(), 35))));
		PipelineProvider.Run run = this.client.trigger(call(target(base(), "team/deploy"), 2));
		assertThat(run).isEqualTo(new PipelineProvider.Run("35", base() + "/job/team/job/deploy/35/"));
		jenkins.verify(1, getRequestedFor(urlPathEqualTo(JOB_API_PATH)).withHeader("Authorization", equalTo(BASIC))
			.withQueryParam("tree", equalTo(FIRST_PAGE_TREE)));
		jenkins.verify(0, postRequestedFor(anyUrl()));
	}

	@Test
	void repeatedAttemptWithoutAMatchingBuildSendsAgain() {
		jenkins.stubFor(get(urlPathEqualTo(JOB_API_PATH)).willReturn(okJson(builds(UUID.randomUUID().toString(), 34))));
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 35))));
		assertThat(this.client.trigger(call(target(base(), "team/deploy"), 2)).runId()).isEqualTo("35");
		jenkins.verify(1, postRequestedFor(urlPathEqualTo(BUILD_PATH)));
	}

	@Test
	void repeatedAttemptWhoseLookupCannotWorkSendsAgain() {
		jenkins.stubFor(get(urlPathEqualTo(JOB_API_PATH)).willReturn(aResponse().withStatus(403)));
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 35))));
		assertThat(this.client.trigger(call(target(base(), "team/deploy"), 2)).runId()).isEqualTo("35");
		jenkins.verify(1, postRequestedFor(urlPathEqualTo(BUILD_PATH)));
	}

	@Test
	void repeatedAttemptWhoseLookupGetsNoAnswerFailsInsteadOfStartingASecondBuild() {
		jenkins.stubFor(get(urlPathEqualTo(JOB_API_PATH)).willReturn(aResponse().withStatus(502)));
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> this.client.trigger(call(target(base(), "team/deploy"), 2)))
			.isInstanceOfSatisfying(TriggerFailure.class, (failure) -> assertThat(failure.permanent()).isFalse());
		jenkins.verify(0, postRequestedFor(urlPathEqualTo(BUILD_PATH)));
	}

	@Test
	void repeatedAttemptWhoseLookupAnswerCannotBeReadFailsInsteadOfStartingASecondBuild() {
		jenkins.stubFor(get(urlPathEqualTo(JOB_API_PATH)).willReturn(okJson("<html>Jenkins is getting ready</html>")));
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> this.client.trigger(call(target(base(), "team/deploy"), 2)))
			.isInstanceOfSatisfying(TriggerFailure.class, (failure) -> assertThat(failure.permanent()).isFalse());
		jenkins.verify(0, postRequestedFor(urlPathEqualTo(BUILD_PATH)));
	}

	@Test
	void aLaterAttemptFindsItsBuildBehindSeventyThreeNewerOnes() {
		// The fault suite's crash scenario: 73 builds of other decisions started between
		// the lost
		// answer and the retry, so the earlier attempt's build is the 74th newest.
		List<String> builds = otherDecisionsBuilds(150);
		builds.set(73, build(427, DECISION.toString(), 73));
		serveBuilds(builds);
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 501))));

		PipelineProvider.Run run = this.client.trigger(call(target(base(), "team/deploy"), 2));

		assertThat(run).isEqualTo(new PipelineProvider.Run("427", base() + "/job/team/job/deploy/427/"));
		jenkins.verify(0, postRequestedFor(anyUrl()));
		jenkins.verify(1, getRequestedFor(urlPathEqualTo(JOB_API_PATH)).withHeader("Authorization", equalTo(BASIC))
			.withQueryParam("tree", equalTo(FIRST_PAGE_TREE)));
	}

	@Test
	void aLaterAttemptReadsTheNextPageWhenTheFirstIsFullOfNewerBuilds() {
		List<String> builds = otherDecisionsBuilds(180);
		builds.set(150, build(350, DECISION.toString(), 150));
		serveBuilds(builds);
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 501))));

		assertThat(this.client.trigger(call(target(base(), "team/deploy"), 2)).runId()).isEqualTo("350");
		jenkins.verify(0, postRequestedFor(anyUrl()));
		jenkins.verify(2, getRequestedFor(urlPathEqualTo(JOB_API_PATH)));
		jenkins.verify(1, getRequestedFor(urlPathEqualTo(JOB_API_PATH)).withQueryParam("tree",
				equalTo("allBuilds[number,url,timestamp,actions[parameters[name,value]]]{100,200}")));
	}

	@Test
	void theLookUpReadsABoundedNumberOfPagesThenSendsAgain() {
		jenkins.stubFor(get(urlPathEqualTo(JOB_API_PATH))
			.willReturn(okJson(job("allBuilds", otherDecisionsBuilds(JenkinsBuilds.BUILDS_PER_PAGE)))));
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 501))));

		assertThat(this.client.trigger(call(target(base(), "team/deploy"), 2)).runId()).isEqualTo("501");
		jenkins.verify(JenkinsBuilds.MAX_LOOKUP_PAGES, getRequestedFor(urlPathEqualTo(JOB_API_PATH)));
		jenkins.verify(1, getRequestedFor(urlPathEqualTo(JOB_API_PATH)).withQueryParam("tree",
				equalTo("allBuilds[number,url,timestamp,actions[parameters[name,value]]]{900,1000}")));
		jenkins.verify(1, postRequestedFor(urlPathEqualTo(BUILD_PATH)));
	}

	@Test
	void theLookUpReadsNoPageBeyondBuildsStartedBeforeTheLookback() {
		// A full first page whose oldest builds started more than a day ago: nothing
		// older can be the
		// earlier attempt's, so no second page is read (the job's history may go back
		// years).
		List<String> builds = otherDecisionsBuilds(250);
		for (int i = 90; i < builds.size(); i++) {
			builds.set(i, build(500 - i, UUID.randomUUID().toString(), 60 * 25 + i));
		}
		builds.set(150, build(350, DECISION.toString(), 60 * 25 + 150));
		serveBuilds(builds);
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 501))));

		assertThat(this.client.trigger(call(target(base(), "team/deploy"), 2)).runId()).isEqualTo("501");
		jenkins.verify(1,
				getRequestedFor(urlPathEqualTo(JOB_API_PATH)).withQueryParam("tree", equalTo(FIRST_PAGE_TREE)));
		jenkins.verify(1, getRequestedFor(urlPathEqualTo(JOB_API_PATH)));
		jenkins.verify(1, postRequestedFor(urlPathEqualTo(BUILD_PATH)));
	}

	@Test
	void firstAttemptDoesNotLookUpBuilds() {
		jenkins.stubFor(post(urlPathEqualTo(BUILD_PATH)).willReturn(queued(39)));
		jenkins.stubFor(get(urlPathEqualTo(QUEUE_PATH)).willReturn(okJson(started(39, 35))));
		this.client.trigger(call(target(base(), "team/deploy"), 1));
		jenkins.verify(0, getRequestedFor(urlPathEqualTo(JOB_API_PATH)));
	}

	// --- helpers
	// ------------------------------------------------------------------------------

	private static JenkinsClient client(OutboundPolicy policy, Duration pollBudget) {
		return new JenkinsClient(policy,
				new PipelineProperties(Duration.ofSeconds(2), Duration.ofMillis(500), 5, Duration.ofSeconds(30)),
				Duration.ofMillis(50), pollBudget);
	}

	private TriggerFailure failure(PipelineProvider.TriggerCall call) {
		return failure(this.client, call);
	}

	/**
	 * The failure the call ends in; its message must never carry the credential in any
	 * form.
	 */
	private static TriggerFailure failure(JenkinsClient client, PipelineProvider.TriggerCall call) {
		try {
			PipelineProvider.Run run = client.trigger(call);
			return fail("Expected a TriggerFailure, got " + run);
		}
		catch (TriggerFailure failure) {
			assertThat(failure.getMessage()).doesNotContain(API_TOKEN)
				.doesNotContain(CREDENTIAL)
				.doesNotContain(BASIC.substring("Basic ".length()));
			return failure;
		}
	}

	private static String base() {
		return "http://127.0.0.1:" + jenkins.port();
	}

	private static ResponseDefinitionBuilder queued(int item) {
		return aResponse().withStatus(201).withHeader("Location", base() + "/queue/item/" + item + "/");
	}

	private static String waiting(int item) {
		return """
				{"_class":"hudson.model.Queue$WaitingItem","id":%d,"blocked":false,"buildable":false,
				 "why":"In the quiet period. Expires in 4.9 sec","task":{"name":"deploy"}}
				""".formatted(item);
	}

	private static String started(int item, int build) {
		return """
				{"_class":"hudson.model.Queue$LeftItem","id":%d,"cancelled":false,"why":null,
				 "executable":{"_class":"org.jenkinsci.plugins.workflow.job.WorkflowRun","number":%d,
				 "url":"%s/job/team/job/deploy/%d/"}}
				""".formatted(item, build, base(), build);
	}

	private static String builds(String decisionId, int number) {
		return """
				{"_class":"org.jenkinsci.plugins.workflow.job.WorkflowJob","allBuilds":[
				  {"_class":"org.jenkinsci.plugins.workflow.job.WorkflowRun","number":%d,"url":"%s/job/team/job/deploy/%d/",
				   "actions":[{"_class":"hudson.model.CauseAction"},
				     {"_class":"hudson.model.ParametersAction","parameters":[
				       {"_class":"hudson.model.StringParameterValue","name":"ISSUE","value":"OPS-17"},
				       {"_class":"hudson.model.StringParameterValue","name":"TOLLGATE_DECISION_ID","value":"%s"}]}]},
				  {"_class":"org.jenkinsci.plugins.workflow.job.WorkflowRun","number":%d,"url":"%s/job/team/job/deploy/%d/",
				   "actions":[{}]}]}
				"""
			.formatted(number, base(), number, decisionId, number - 1, base(), number - 1);
	}

	/** One build as the look-up's tree shows it, started {@code minutesAgo}. */
	private static String build(int number, String decisionId, int minutesAgo) {
		return """
				{"_class":"org.jenkinsci.plugins.workflow.job.WorkflowRun","number":%d,"url":"%s/job/team/job/deploy/%d/",
				 "timestamp":%d,
				 "actions":[{"_class":"hudson.model.CauseAction"},
				   {"_class":"hudson.model.ParametersAction","parameters":[
				     {"_class":"hudson.model.StringParameterValue","name":"ISSUE","value":"OPS-17"},
				     {"_class":"hudson.model.StringParameterValue","name":"TOLLGATE_DECISION_ID","value":"%s"}]}]}
				"""
			.formatted(number, base(), number, Instant.now().minus(Duration.ofMinutes(minutesAgo)).toEpochMilli(),
					decisionId);
	}

	/**
	 * Builds of other decisions, newest first, one a minute (numbers descending from
	 * 500).
	 */
	private static List<String> otherDecisionsBuilds(int count) {
		List<String> builds = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			builds.add(build(500 - i, UUID.randomUUID().toString(), i));
		}
		return builds;
	}

	private static String job(String field, List<String> builds) {
		return "{\"_class\":\"org.jenkinsci.plugins.workflow.job.WorkflowJob\",\"" + field + "\":["
				+ String.join(",", builds) + "]}";
	}

	/**
	 * Answers the job API the way Jenkins does: {@code builds} holds at most the newest
	 * 100, cut by the range; {@code allBuilds} holds them all, cut by the range
	 * ({@code {M,N}}: M inclusive, N exclusive).
	 */
	private static void serveBuilds(List<String> builds) {
		jenkins.stubFor(get(urlPathEqualTo(JOB_API_PATH)).withQueryParam("tree", equalTo(NEWEST_TWENTY_TREE))
			.willReturn(okJson(job("builds", builds.subList(0, Math.min(20, builds.size()))))));
		for (int from = 0; from <= builds.size(); from += JenkinsBuilds.BUILDS_PER_PAGE) {
			int to = from + JenkinsBuilds.BUILDS_PER_PAGE;
			jenkins.stubFor(get(urlPathEqualTo(JOB_API_PATH))
				.withQueryParam("tree",
						equalTo("allBuilds[number,url,timestamp,actions[parameters[name,value]]]{" + from + "," + to
								+ "}"))
				.willReturn(okJson(job("allBuilds", builds.subList(from, Math.min(to, builds.size()))))));
		}
	}

	private static Target target(String baseUrl, String job) {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("ISSUE", "{{issue.key}}");
		parameters.put("NOTE", "a&b=c d+e");
		return new Target("jenkins-deploy", Target.Kind.JENKINS, baseUrl, null, null, null, job, null,
				"file:/run/secrets/jenkins", null, null, parameters, null, null, null);
	}

	private static TriggerRequest request(Target target) {
		return new TriggerRequest(DECISION, "delivery-1", 7L, "deploy", target.name(), "10001", "OPS-17", "OPS",
				"Story", "In Progress", "Ready", "5b10a2844c20165700ede21g", false);
	}

	private static PipelineProvider.TriggerCall call(Target target, int attempt) {
		TriggerRequest request = request(target);
		return new PipelineProvider.TriggerCall(target, request, Templates.render(target.templateValues(), request),
				new Secret(CREDENTIAL), attempt);
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
