package dev.tollgate.pipeline.gitlab;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.tollgate.outbound.OutboundPolicies;
import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.pipeline.TriggerRequest;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.policy.Target;
import dev.tollgate.support.MutableClock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Inputs mode with an access token: the values go as the types the CI file declares,
 * learnt from GitLab's GraphQL API. The stubs answer as GitLab does: a 400
 * {@code {"message":{"base":[…]}}} for refused variables, GraphQL's
 * {@code Project.ciPipelineCreationInputs} with the {@code CiInputsType} enum, and
 * GraphQL's {@code errors} for a field an older GitLab does not have.
 */
class GitLabTypedInputsTests {

	private static final WireMockServer gitlab = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

	private static final String TOKEN = "glpat-s3cr3t-Acc3ss-t0ken";

	private static final String PIPELINE_PATH = "/api/v4/projects/acme%2Fshop/pipeline";

	private static final UUID DECISION = UUID.fromString("0190b6f2-6c3e-7c1a-9a4e-2f5d8e1c0b7a");

	private final MutableClock clock = new MutableClock(Instant.now());

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
		this.client = client(Duration.ofSeconds(10));
		gitlab.stubFor(post(urlPathEqualTo(PIPELINE_PATH)).withRequestBody(matchingJsonPath("$.variables"))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"message\":{\"base\":[\"Insufficient permissions to set pipeline variables\"]}}")));
		gitlab.stubFor(post(urlPathEqualTo(PIPELINE_PATH)).withRequestBody(matchingJsonPath("$.inputs"))
			.willReturn(created(700)));
	}

	@AfterEach
	void tearDown() throws Exception {
		this.client.destroy();
	}

	@Test
	void inputsGoAsTheTypesTheCiFileDeclares() {
		stubSpec(SPEC);

		PipelineProvider.Run run = this.client.trigger(call(target("acme/shop", values()), 1));

		assertThat(run.runId()).isEqualTo("700");
		assertThat(run.note()).isNull();
		gitlab.verify(1,
				postRequestedFor(urlPathEqualTo("/api/graphql")).withHeader("Authorization", equalTo("Bearer " + TOKEN))
					.withRequestBody(matchingJsonPath("$.query", equalTo(GitLabInputs.QUERY)))
					.withRequestBody(matchingJsonPath("$.variables.fullPath", equalTo("acme/shop")))
					.withRequestBody(matchingJsonPath("$.variables.ref", equalTo("main"))));
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(PIPELINE_PATH)).withRequestBody(equalToJson("""
				{"ref":"main","inputs":{"JIRA_ISSUE":"OPS-17","REPLICAS":3,"RATIO":2.5,"DRY_RUN":false,
				 "REGIONS":["eu","us"],"TOLLGATE_DECISION_ID":"%s"}}
				""".formatted(DECISION))));
	}

	@Test
	void aNumericProjectIdIsTurnedIntoTheFullPathGraphQlNeeds() {
		String numeric = "/api/v4/projects/42/pipeline";
		gitlab.stubFor(post(urlPathEqualTo(numeric)).withRequestBody(matchingJsonPath("$.variables"))
			.willReturn(aResponse().withStatus(400)
				.withBody("{\"message\":{\"base\":[\"Insufficient permissions to set pipeline variables\"]}}")));
		gitlab.stubFor(
				post(urlPathEqualTo(numeric)).withRequestBody(matchingJsonPath("$.inputs")).willReturn(created(701)));
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42")).willReturn(okJson("""
				{"id":42,"name":"shop","path":"shop","path_with_namespace":"acme/shop",
				 "name_with_namespace":"Acme / shop","default_branch":"main"}
				""")));
		stubSpec(SPEC);

		this.client.trigger(call(target("42", values()), 1));

		gitlab.verify(1,
				getRequestedFor(urlPathEqualTo("/api/v4/projects/42")).withHeader("PRIVATE-TOKEN", equalTo(TOKEN)));
		gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/graphql"))
			.withRequestBody(matchingJsonPath("$.variables.fullPath", equalTo("acme/shop"))));
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(numeric))
			.withRequestBody(matchingJsonPath("$.inputs.REPLICAS", equalTo("3"))));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "REPLICAS | three | type: number", "DRY_RUN | yes | type: boolean",
			"REGIONS | eu,us | type: array" })
	void aValueThatIsNotOfItsDeclaredTypeIsAPermanentFailureAndNothingIsSent(String input, String value,
			String declared) {
		stubSpec(SPEC);
		Map<String, String> values = values();
		values.put(input, value);

		TriggerFailure failure = catchThrowableOfType(TriggerFailure.class,
				() -> this.client.trigger(call(target("acme/shop", values), 1)));

		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains(input, declared, "'" + value + "'", "spec:inputs", "main");
		gitlab.verify(0, postRequestedFor(urlPathEqualTo(PIPELINE_PATH)).withRequestBody(matchingJsonPath("$.inputs")));
	}

	@Test
	void anOlderGitLabWithoutTheFieldGetsTextAndTheAuditSaysSo() {
		// graphql-ruby's answer to a field the schema does not have: 200 with errors.
		gitlab.stubFor(post(urlPathEqualTo("/api/graphql")).willReturn(okJson("""
				{"errors":[{"message":"Field 'ciPipelineCreationInputs' doesn't exist on type 'Project'",
				  "locations":[{"line":1,"column":90}],"path":["query","project","ciPipelineCreationInputs"],
				  "extensions":{"code":"undefinedField","typeName":"Project","fieldName":"ciPipelineCreationInputs"}}]}
				""")));

		PipelineProvider.Run run = this.client.trigger(call(target("acme/shop", values()), 1));

		assertThat(run.runId()).isEqualTo("700");
		assertThat(run.note()).contains("sent as text", "doesn't exist on type 'Project'");
		gitlab.verify(1,
				postRequestedFor(urlPathEqualTo(PIPELINE_PATH))
					.withRequestBody(matchingJsonPath("$.inputs.REPLICAS", equalTo("3")))
					.withRequestBody(matchingJsonPath("$.inputs.DRY_RUN", equalTo("False"))));
		assertThat(gitlab
			.findAll(postRequestedFor(urlPathEqualTo(PIPELINE_PATH)).withRequestBody(matchingJsonPath("$.inputs")))
			.get(0)
			.getBodyAsString()).contains("\"REPLICAS\":\"3\"");
	}

	@Test
	void aTokenThatCannotSeeTheSpecGetsTextWithTheReason() {
		// GitLab's answer when the user may not read the project's pipelines' config.
		gitlab.stubFor(post(urlPathEqualTo("/api/graphql"))
			.willReturn(okJson("{\"data\":{\"project\":{\"ciPipelineCreationInputs\":null}}}")));

		PipelineProvider.Run run = this.client.trigger(call(target("acme/shop", values()), 1));

		assertThat(run.note()).contains("sent as text", "Developer");
		assertThat(gitlab
			.findAll(postRequestedFor(urlPathEqualTo(PIPELINE_PATH)).withRequestBody(matchingJsonPath("$.inputs")))
			.get(0)
			.getBodyAsString()).contains("\"REPLICAS\":\"3\"");
	}

	@Test
	void theSpecIsAskedOncePerProjectAndRefWhileItIsFreshThenAgain() {
		stubSpec(SPEC);
		this.client.trigger(call(target("acme/shop", values()), 1));
		this.client.trigger(call(target("acme/shop", values()), 1));
		gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/graphql")));

		this.clock.advance(GitLabInputs.CACHE_TTL.plusSeconds(1));
		this.client.trigger(call(target("acme/shop", values()), 1));
		gitlab.verify(2, postRequestedFor(urlPathEqualTo("/api/graphql")));
	}

	@Test
	void inputsGitLabRefusesMakeTheNextAttemptAskForTheSpecAgain() {
		stubSpec(SPEC);
		this.client.trigger(call(target("acme/shop", values()), 1));
		gitlab.stubFor(post(urlPathEqualTo(PIPELINE_PATH)).withRequestBody(matchingJsonPath("$.inputs"))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"message\":{\"base\":[\"`REPLICAS` input: provided value is not a string\"]}}")));

		TriggerFailure failure = catchThrowableOfType(TriggerFailure.class,
				() -> this.client.trigger(call(target("acme/shop", values()), 1)));
		assertThat(failure.permanent()).isTrue();
		assertThat(failure.getMessage()).contains("provided value is not a string");

		catchThrowableOfType(TriggerFailure.class, () -> this.client.trigger(call(target("acme/shop", values()), 1)));
		gitlab.verify(2, postRequestedFor(urlPathEqualTo("/api/graphql")));
	}

	@Test
	void gitLabInputsModeRetriedAfterATimeoutWithTypedInputsStartsOnePipeline() throws Exception {
		// The typed inputs pipeline is created but its answer lost; the retry finds it by
		// the workflow:name and sends nothing.
		this.client.destroy();
		this.client = client(Duration.ofMillis(500));
		stubSpec(SPEC);
		gitlab.stubFor(post(urlPathEqualTo(PIPELINE_PATH)).withRequestBody(matchingJsonPath("$.inputs"))
			.willReturn(created(702).withFixedDelay(1_500)));
		assertThat(catchThrowableOfType(TriggerFailure.class,
				() -> this.client.trigger(call(target("acme/shop", values()), 1)))
			.permanent()).isFalse();
		gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/acme%2Fshop/pipelines")).willReturn(
				okJson("""
						[{"id":702,"iid":19,"project_id":42,"sha":"91e2","ref":"main","status":"running","source":"api",
						  "name":"tollgate %s","created_at":"%s","web_url":"https://gitlab.example.com/acme/shop/-/pipelines/702"}]
						"""
					.formatted(DECISION, this.clock.instant()))));
		gitlab.stubFor(
				get(urlPathEqualTo("/api/v4/projects/acme%2Fshop/pipelines/702/variables")).willReturn(okJson("[]")));

		assertThat(this.client.trigger(call(target("acme/shop", values()), 2)).runId()).isEqualTo("702");
		gitlab.verify(1, postRequestedFor(urlPathEqualTo(PIPELINE_PATH)).withRequestBody(matchingJsonPath("$.inputs")));
	}

	/** As GitLab answers the query for a CI file declaring these inputs. */
	private static final String SPEC = """
			{"data":{"project":{"ciPipelineCreationInputs":[
			  {"name":"TOLLGATE_DECISION_ID","type":"STRING"},
			  {"name":"JIRA_ISSUE","type":"STRING"},
			  {"name":"REPLICAS","type":"NUMBER"},
			  {"name":"RATIO","type":"NUMBER"},
			  {"name":"DRY_RUN","type":"BOOLEAN"},
			  {"name":"REGIONS","type":"ARRAY"}]}}}
			""";

	private GitLabPipelineClient client(Duration readTimeout) {
		return new GitLabPipelineClient(OutboundPolicies.forLocalStubs(),
				new PipelineProperties(Duration.ofSeconds(2), readTimeout, 5, Duration.ofSeconds(30)), this.clock);
	}

	private static void stubSpec(String body) {
		gitlab.stubFor(post(urlPathEqualTo("/api/graphql")).willReturn(okJson(body)));
	}

	private static Map<String, String> values() {
		Map<String, String> values = new LinkedHashMap<>();
		values.put("JIRA_ISSUE", "{{issue.key}}");
		values.put("REPLICAS", "3");
		values.put("RATIO", " 2.5 ");
		values.put("DRY_RUN", "False");
		values.put("REGIONS", "[\"eu\", \"us\"]");
		return values;
	}

	private static ResponseDefinitionBuilder created(long id) {
		return aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"""
							{"id":%d,"iid":118,"project_id":42,"sha":"91e2","ref":"main","status":"created","source":"api",
							 "web_url":"https://gitlab.example.com/acme/shop/-/pipelines/%d","created_at":"2025-06-01T10:00:00.000Z"}
							"""
						.formatted(id, id));
	}

	private static Target target(String project, Map<String, String> values) {
		return new Target("build-gl", Target.Kind.GITLAB, "http://127.0.0.1:" + gitlab.port(), null, null, project,
				null, "main", "env:GITLAB_TOKEN", null, values, null, "ACCESS_TOKEN", null, null);
	}

	private static PipelineProvider.TriggerCall call(Target target, int attempt) {
		TriggerRequest request = new TriggerRequest(DECISION, "delivery-1", 7L, "build", target.name(), "10001",
				"OPS-17", "OPS", "Story", "In Progress", "Ready", "5b10a2844c20165700ede21g", false);
		return new PipelineProvider.TriggerCall(target, request, Templates.render(target.templateValues(), request),
				new Secret(TOKEN), attempt);
	}

}
