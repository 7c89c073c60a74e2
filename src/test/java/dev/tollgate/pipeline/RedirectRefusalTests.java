package dev.tollgate.pipeline;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.pipeline.support.PipelineProperties;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tollgate.pipeline.github.GitHubActionsClient;
import dev.tollgate.pipeline.gitlab.GitLabPipelineClient;
import dev.tollgate.pipeline.jenkins.JenkinsClient;
import dev.tollgate.outbound.OutboundPolicies;
import dev.tollgate.policy.Target;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A CI host that answers every request with a redirect to another host (the attacker's)
 * must not get our credential delivered there: no client follows redirects. Both stubs
 * are on loopback, the attacker under another name ({@code localhost}) and port, so it is
 * another origin.
 */
class RedirectRefusalTests {

	private static final WireMockServer ci = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

	private static final WireMockServer attacker = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

	private static final String CREDENTIAL = "redirect-test-credential";

	private static final PipelineProperties PROPERTIES = new PipelineProperties(Duration.ofSeconds(2),
			Duration.ofSeconds(2), 5, Duration.ofSeconds(30));

	@BeforeAll
	static void start() {
		ci.start();
		attacker.start();
	}

	@AfterAll
	static void stop() {
		ci.stop();
		attacker.stop();
	}

	@BeforeEach
	void reset() {
		ci.resetAll();
		attacker.resetAll();
		attacker.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
	}

	/**
	 * Every request to the CI host is answered with this redirect status (307/308 would
	 * re-send a POST).
	 */
	private static void redirectEverything(int status) {
		ci.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status)
			.withHeader("Location", "http://localhost:" + attacker.port() + "/steal")));
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 301, 302, 303, 307, 308 })
	void gitHubDoesNotFollowARedirect(int status) throws Exception {
		redirectEverything(status);
		GitHubActionsClient client = new GitHubActionsClient(OutboundPolicies.forLocalStubs(), PROPERTIES);
		try {
			Target target = new Target("gh", Target.Kind.GITHUB_ACTIONS, base(), "acme/shop", "deploy.yml", null, null,
					"main", "env:GITHUB_TOKEN", Map.of(), null, null, null, null, null);
			assertFailsWithoutReachingTheAttacker(client, target);
		}
		finally {
			client.destroy();
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 301, 302, 303, 307, 308 })
	void gitLabDoesNotFollowARedirect(int status) throws Exception {
		redirectEverything(status);
		GitLabPipelineClient client = new GitLabPipelineClient(OutboundPolicies.forLocalStubs(), PROPERTIES);
		try {
			Target target = new Target("gl", Target.Kind.GITLAB, base(), null, null, "acme/shop", null, "main",
					"env:GITLAB_TOKEN", null, Map.of(), null, null, null, null);
			assertFailsWithoutReachingTheAttacker(client, target);
		}
		finally {
			client.destroy();
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 301, 302, 303, 307, 308 })
	void jenkinsDoesNotFollowARedirect(int status) throws Exception {
		redirectEverything(status);
		JenkinsClient client = new JenkinsClient(OutboundPolicies.forLocalStubs(), PROPERTIES, Duration.ofMillis(50),
				Duration.ofSeconds(2));
		try {
			Target target = new Target("jk", Target.Kind.JENKINS, base(), null, null, null, "team/deploy", null,
					"file:/run/secrets/jenkins", null, null, Map.of(), null, null, null);
			assertFailsWithoutReachingTheAttacker(client, target);
		}
		finally {
			client.destroy();
		}
	}

	private static void assertFailsWithoutReachingTheAttacker(PipelineProvider client, Target target) {
		TriggerRequest request = new TriggerRequest(UUID.randomUUID(), "delivery-1", 7L, "rule", target.name(), "10001",
				"OPS-17", "OPS", "Story", "In Progress", "Ready", "5b10a2844c20165700ede21g", false);
		String credential = (target.kind() == Target.Kind.JENKINS) ? "bot:" + CREDENTIAL : CREDENTIAL;
		TriggerFailure failure = catchThrowableOfType(TriggerFailure.class, () -> client
			.trigger(new PipelineProvider.TriggerCall(target, request, Map.of(), new Secret(credential), 1)));
		assertThat(failure).as("a redirect must end the trigger as a failure").isNotNull();
		assertThat(failure.getMessage()).doesNotContain(CREDENTIAL);
		ci.verify(anyRequestedFor(anyUrl()));
		attacker.verify(0, anyRequestedFor(anyUrl()));
	}

	private static String base() {
		return "http://127.0.0.1:" + ci.port();
	}

}
