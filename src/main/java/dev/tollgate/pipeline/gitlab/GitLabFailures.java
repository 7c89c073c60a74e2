package dev.tollgate.pipeline.gitlab;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import tools.jackson.databind.JsonNode;

import dev.tollgate.outbound.OutboundHttp;
import dev.tollgate.outbound.RetryAfter;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpHeaders;

import static dev.tollgate.pipeline.support.PipelineHttp.bounded;
import static dev.tollgate.pipeline.support.PipelineHttp.parse;
import static dev.tollgate.pipeline.support.PipelineHttp.scalar;

/**
 * What an answer from GitLab other than 2xx means for the attempt: 408, 429 and 5xx are
 * transient (not before GitLab's {@code Retry-After} or {@code RateLimit-Reset}), the
 * rest permanent, with GitLab's own message (credential removed) and a hint worded for
 * the call that failed. One place, so that pipeline creation and a gate's calls are read
 * alike.
 */
final class GitLabFailures {

	private final Clock clock;

	GitLabFailures(Clock clock) {
		this.clock = clock;
	}

	/**
	 * The failure for a pipeline creation GitLab did not accept.
	 * @param asInputs the values went as pipeline inputs (the project refused variables)
	 */
	TriggerFailure creation(GitLabProject project, String call, Answer response, boolean asInputs) {
		int status = response.status();
		String reason = project.scrub(message(response.body()));
		String said = "GitLab answered " + status + " to " + call + ((reason != null) ? ": " + reason : "") + ".";
		if (OutboundHttp.transientStatus(status)) {
			return TriggerFailure.transientFailure(said, retryAfter(response.headers(), this.clock.instant()));
		}
		if (asInputs) {
			return TriggerFailure.permanent("The project does not permit pipeline variables, and passing the values "
					+ "as pipeline inputs failed too: " + said + " Declare the inputs (including "
					+ Templates.DECISION_ID + ") under spec:inputs in the CI file, or let the token's role set "
					+ "pipeline variables.");
		}
		return TriggerFailure.permanent(said + switch (status) {
			case 400 -> " Check the ref and that the pipeline has jobs for it.";
			case 401 -> " The token is not accepted (revoked, expired or lacking the api scope).";
			case 403 -> " The token's role may not run pipelines on this ref (protected branch?).";
			case 404 -> " The project is not visible to the token, or the trigger token is invalid.";
			default -> "";
		});
	}

	/** The failure for a gate's call (its poll, its answer) GitLab did not accept. */
	TriggerFailure gate(GitLabProject project, String what, String call, Answer response) {
		int status = response.status();
		String reason = project.scrub(message(response.body()));
		String said = "GitLab answered " + status + " to " + what + " (" + call + ")"
				+ ((reason != null) ? ": " + reason : "") + ".";
		if (OutboundHttp.transientStatus(status)) {
			return TriggerFailure.transientFailure(said, retryAfter(response.headers(), this.clock.instant()));
		}
		return TriggerFailure.permanent(said + switch (status) {
			case 401 -> " The token is not accepted (revoked, expired or lacking the api scope).";
			case 403 -> " The token's user may not approve this environment: make it a required approver of the "
					+ "protected environment.";
			case 404 -> " The project, deployment or job is not visible to the token.";
			default -> "";
		});
	}

	/**
	 * GitLab's {@code message} (a string, or an object such as {@code {"base":["Reference
	 * not found"]}}), else {@code error}, else the start of the body; bounded.
	 */
	static String message(byte[] body) {
		JsonNode json = parse(body);
		if (json == null) {
			String text = new String(body, StandardCharsets.UTF_8).strip();
			return text.isEmpty() ? null : bounded(text);
		}
		for (String field : List.of("message", "error", "error_description")) {
			JsonNode value = json.path(field);
			if (value.isMissingNode() || value.isNull()) {
				continue;
			}
			String text = scalar(value);
			return bounded((text != null) ? text : flatten(value));
		}
		return bounded(json.toString());
	}

	/** {@code {"base":["Reference not found"]}} → {@code base: Reference not found}. */
	private static String flatten(JsonNode value) {
		if (value.isObject()) {
			StringJoiner joined = new StringJoiner("; ");
			for (Map.Entry<String, JsonNode> entry : value.properties()) {
				joined.add(entry.getKey() + ": " + flatten(entry.getValue()));
			}
			return joined.toString();
		}
		if (value.isArray()) {
			StringJoiner joined = new StringJoiner(", ");
			value.values().forEach((item) -> joined.add(flatten(item)));
			return joined.toString();
		}
		String text = scalar(value);
		return (text != null) ? text : value.toString();
	}

	/**
	 * {@code Retry-After} (seconds or HTTP-date), else GitLab's {@code RateLimit-Reset}
	 * (Unix seconds); {@code null} if neither is usable.
	 */
	static Instant retryAfter(HttpHeaders headers, Instant now) {
		Instant retryAfter = RetryAfter.parse(headers.getFirst(HttpHeaders.RETRY_AFTER), now);
		if (retryAfter != null) {
			return retryAfter;
		}
		Instant reset = RetryAfter.epochSeconds(headers.getFirst("RateLimit-Reset"));
		return (reset != null && reset.isAfter(now)) ? reset : null;
	}

}
