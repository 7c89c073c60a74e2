package dev.tollgate.pipeline.github;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.pipeline.StatusCallback;
import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.policy.Target;
import dev.tollgate.signature.HmacSignature;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * GitHub {@code workflow_run} events, signed with {@code X-Hub-Signature-256}. A run is
 * named by its repository's full name and its run id; the decision id in its name or
 * title is only checked on top. {@code deployment_protection_rule} events, signed the
 * same way, are read by {@link GitHubGates}.
 */
@Component
class GitHubCallbacks implements PipelineProvider.Callbacks {

	private static final String SIGNATURE_HEADER = "X-Hub-Signature-256";

	private final HmacSignature signature;

	GitHubCallbacks(Secrets secrets) {
		this.signature = HmacSignature.of(secrets.webhookSecrets());
	}

	@Override
	public Target.Kind kind() {
		return Target.Kind.GITHUB_ACTIONS;
	}

	@Override
	public StatusCallback read(UnaryOperator<String> header, byte[] body) {
		HmacSignature.Verdict verdict = this.signature.verify(header.apply(SIGNATURE_HEADER), body);
		if (verdict != HmacSignature.Verdict.VALID) {
			return StatusCallback.rejected(verdict.describe(SIGNATURE_HEADER));
		}
		JsonNode root = CallbackFields.parse(body);
		if ("deployment_protection_rule".equals(header.apply("X-GitHub-Event"))) {
			return GitHubGates.read(root, header.apply("X-GitHub-Delivery"));
		}
		JsonNode run = root.path("workflow_run");
		if (!"workflow_run".equals(header.apply("X-GitHub-Event"))
				|| !"completed".equals(root.path("action").asString(""))) {
			return StatusCallback.ignored();
		}
		List<String> scopes = new ArrayList<>(2);
		addScope(scopes, root.path("repository").path("full_name"));
		addScope(scopes, run.path("repository").path("full_name"));
		String conclusion = run.path("conclusion").asString("unknown");
		return new StatusCallback.Finished(CallbackFields.text(run.path("id")), scopes,
				CallbackFields.decisionId(run.path("name").asString("") + " " + run.path("display_title").asString("")),
				conclusion, "success".equals(conclusion), CallbackFields.text(run.path("html_url")), CallbackFields
					.between(run.path("run_started_at").asString(null), run.path("updated_at").asString(null)));
	}

	private static void addScope(List<String> scopes, JsonNode name) {
		String scope = CallbackFields.scope(CallbackFields.text(name));
		if (scope != null && !scopes.contains(scope)) {
			scopes.add(scope);
		}
	}

	/**
	 * {@code tollgate.github.webhook-secrets}: HMAC secrets of
	 * {@code X-Hub-Signature-256}, a list so they can be rotated without downtime.
	 */
	@ConfigurationProperties("tollgate.github")
	record Secrets(@DefaultValue List<String> webhookSecrets) {

		@Override
		public String toString() {
			return "GitHub[webhookSecrets=<hidden>]";
		}

	}

}
