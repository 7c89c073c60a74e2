package dev.tollgate.pipeline.gitlab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.pipeline.StatusCallback;
import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.policy.Target;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * GitLab Pipeline Hooks carrying {@code X-Gitlab-Token}. A pipeline is named by its
 * project (id or path) and its pipeline id; the decision id among its variables is only
 * checked on top. Deployment Hooks with the same token say a deployment is blocked for
 * approval ({@link GitLabGates}).
 */
@Component
class GitLabCallbacks implements PipelineProvider.Callbacks {

	private static final Set<String> TERMINAL = Set.of("success", "failed", "canceled", "skipped");

	private final List<byte[]> tokens;

	GitLabCallbacks(Secrets secrets) {
		this.tokens = CallbackFields.bytes(secrets.webhookTokens());
	}

	@Override
	public Target.Kind kind() {
		return Target.Kind.GITLAB;
	}

	@Override
	public StatusCallback read(UnaryOperator<String> header, byte[] body) {
		String token = header.apply("X-Gitlab-Token");
		if (token == null || token.isBlank()) {
			return StatusCallback.rejected("The request has no X-Gitlab-Token header: set the webhook's secret token "
					+ "in GitLab to one of tollgate.gitlab.webhook-tokens.");
		}
		if (!CallbackFields.matchesAny(token, this.tokens)) {
			return StatusCallback.rejected("The X-Gitlab-Token header does not match any configured token.");
		}
		JsonNode root = CallbackFields.parse(body);
		if ("deployment".equals(root.path("object_kind").asString(""))) {
			// GitLab names each delivery by a UUID; retries of one delivery repeat it.
			String deliveryId = header.apply("X-Gitlab-Event-UUID");
			return GitLabGates.read(root, (deliveryId != null) ? deliveryId : header.apply("Idempotency-Key"));
		}
		JsonNode pipeline = root.path("object_attributes");
		String status = pipeline.path("status").asString("");
		if (!"pipeline".equals(root.path("object_kind").asString("")) || !TERMINAL.contains(status)) {
			return StatusCallback.ignored();
		}
		String id = CallbackFields.text(pipeline.path("id"));
		String url = CallbackFields.text(pipeline.path("url"));
		if (url == null && root.path("project").path("web_url").isString() && id != null) {
			url = root.path("project").path("web_url").asString() + "/-/pipelines/" + id;
		}
		UUID decisionId = null;
		for (JsonNode variable : pipeline.path("variables")) {
			if (Templates.DECISION_ID.equals(variable.path("key").asString(""))) {
				decisionId = CallbackFields.decisionId(variable.path("value").asString(""));
			}
		}
		if (decisionId == null) {
			decisionId = CallbackFields.decisionId(pipeline.path("name").asString(""));
		}
		JsonNode project = root.path("project");
		List<String> scopes = new ArrayList<>(2);
		for (JsonNode name : List.of(project.path("id"), project.path("path_with_namespace"))) {
			String scope = CallbackFields.scope(CallbackFields.text(name));
			if (scope != null) {
				scopes.add(scope);
			}
		}
		Duration duration = CallbackFields.duration(pipeline.path("duration"), "object_attributes.duration", 1);
		return new StatusCallback.Finished(id, scopes, decisionId, status, "success".equals(status), url, duration);
	}

	/**
	 * {@code tollgate.gitlab.webhook-tokens}: the values GitLab sends as
	 * {@code X-Gitlab-Token}, a list so they can be rotated without downtime.
	 */
	@ConfigurationProperties("tollgate.gitlab")
	record Secrets(@DefaultValue List<String> webhookTokens) {

		@Override
		public String toString() {
			return "GitLab[webhookTokens=<hidden>]";
		}

	}

}
