package dev.tollgate.pipeline.gitlab;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tollgate.outbound.OutboundPolicies;
import dev.tollgate.pipeline.GateAsk;
import dev.tollgate.pipeline.StatusCallback;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.policy.Target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How a Deployment Hook becomes a question, and whose question it is: the webhook side of
 * GitLab gates, without HTTP.
 */
class GitLabGatesTests {

	private final GitLabCallbacks callbacks = new GitLabCallbacks(
			new GitLabCallbacks.Secrets(java.util.List.of("gl-token")));

	private final GitLabPipelineClient client = new GitLabPipelineClient(OutboundPolicies.forLocalStubs(),
			new PipelineProperties(Duration.ofSeconds(2), Duration.ofMillis(500), 5, Duration.ofSeconds(30)));

	private final GitLabGates gates = new GitLabGates(this.client);

	@Test
	void aBlockedDeploymentHookIsAQuestionNamingTheDeploymentAndItsJob() {
		StatusCallback read = read(hook("blocked"), "gl-token");
		assertThat(read).isInstanceOf(StatusCallback.Waiting.class);
		GateAsk ask = ((StatusCallback.Waiting) read).ask();
		assertThat(ask.provider()).isEqualTo(Target.Kind.GITLAB);
		assertThat(ask.scope()).isEqualTo("acme/shop");
		assertThat(ask.subject()).isEqualTo("15");
		assertThat(ask.environment()).isEqualTo("production");
		assertThat(ask.deliveryId()).isEqualTo("uuid-1");
		assertThat(ask.runId()).as("the hook names no pipeline").isNull();
		assertThat(ask.runUrl()).isEqualTo("https://gitlab.acme.io/acme/shop/-/jobs/796");
		assertThat(ask.texts()).containsExactly("OPS-7-hotfix", "Fix rounding");
		assertThat(ask.answer()).containsEntry("projectId", "30")
			.containsEntry("deploymentId", "15")
			.containsEntry("jobId", "796");
	}

	@Test
	void otherDeploymentStatusesAreIgnoredAndAWrongTokenIsRejected() {
		for (String status : new String[] { "running", "success", "failed", "canceled", "created" }) {
			assertThat(read(hook(status), "gl-token")).as(status).isInstanceOf(StatusCallback.Ignored.class);
		}
		assertThat(read(hook("blocked"), "wrong")).isInstanceOf(StatusCallback.Rejected.class);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> read(hook("blocked").replace("\"deployment_id\":15", "\"deployment_id\":\"15/../x\""),
					"gl-token"));
	}

	@Test
	void theQuestionIsATargetsWhetherItNamesTheProjectByPathOrByIdAndCarriesTheTargetsName() {
		GateAsk ask = ((StatusCallback.Waiting) read(hook("blocked"), "gl-token")).ask();
		GateAsk byPath = this.gates.askedOf(target("Acme/Shop"), this.client.runScope(target("Acme/Shop")), ask);
		assertThat(byPath.scope()).isEqualTo("acme/shop");
		GateAsk byId = this.gates.askedOf(target("30"), this.client.runScope(target("30")), ask);
		assertThat(byId.scope()).isEqualTo("30");
		assertThat(byId.subject()).isEqualTo(ask.subject());
		assertThat(this.gates.askedOf(target("31"), "31", ask)).isNull();
		assertThat(this.gates.askedOf(target("acme/other"), "acme/other", ask)).isNull();
		assertThat(this.gates.refusal(target("30"), byId)).isNull();
		assertThat(this.gates.refusal(new Target("t", Target.Kind.GITLAB, null, null, null, "30", null, "main", "env:X",
				null, Map.of(), null, "TRIGGER_TOKEN", null, null), byId))
			.contains("ACCESS_TOKEN");
	}

	@Test
	void onlyAnAccessTokenTargetCanGate() {
		assertThat(this.client.cannotGate(target("acme/shop"))).isNull();
		assertThat(this.client.cannotGate(new Target("t", Target.Kind.GITLAB, null, null, null, "acme/shop", null,
				"main", "env:X", null, Map.of(), null, null, null, null)))
			.contains("\"auth\": \"ACCESS_TOKEN\"");
	}

	private StatusCallback read(String body, String token) {
		Map<String, String> headers = Map.of("X-Gitlab-Token", token, "X-Gitlab-Event", "Deployment Hook",
				"X-Gitlab-Event-UUID", "uuid-1");
		return this.callbacks.read(headers::get, body.getBytes(StandardCharsets.UTF_8));
	}

	private static Target target(String project) {
		return new Target("deploy-prod", Target.Kind.GITLAB, "https://gitlab.acme.io", null, null, project, null,
				"main", "env:GITLAB_TOKEN", null, Map.of(), null, "ACCESS_TOKEN", null, null);
	}

	/** GitLab's documented Deployment Hook, in {@code status}. */
	private static String hook(String status) {
		return """
				{"object_kind":"deployment","status":"%s","status_changed_at":"2026-12-07 10:00:00 +0000",
				 "deployment_id":15,"deployable_id":796,"deployable_url":"https://gitlab.acme.io/acme/shop/-/jobs/796",
				 "environment":"production","environment_tier":"production","environment_slug":"production",
				 "environment_external_url":"https://shop.acme.io",
				 "project":{"id":30,"name":"shop","web_url":"https://gitlab.acme.io/acme/shop",
				  "path_with_namespace":"acme/shop","default_branch":"main"},
				 "short_sha":"279484c0","user":{"id":1,"name":"Dana","username":"dana"},
				 "commit_url":"https://gitlab.acme.io/acme/shop/-/commit/279484c0","commit_title":"Fix rounding",
				 "ref":"OPS-7-hotfix"}""".formatted(status);
	}

}
