package dev.tollgate.pipeline.github;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

import dev.tollgate.outbound.OutboundHttp;
import dev.tollgate.outbound.RetryAfter;
import dev.tollgate.pipeline.github.GitHubTransport.Response;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpHeaders;

/**
 * What an answer from GitHub other than 2xx means for the attempt. GitHub signals a rate
 * limit by 429 or by a 403 with its rate-limit headers or message, and says when to come
 * back in {@code Retry-After} or {@code x-ratelimit-reset}; 408 and 5xx are transient;
 * anything else is permanent, with a reason worded for the call that failed. One place,
 * so that the dispatch, the run look-up, the token purchase and a gate's calls are read
 * alike.
 */
final class GitHubFailures {

	/** A rate limit that names no time to wait: GitHub asks for at least a minute. */
	static final Duration RATE_LIMIT_WAIT = Duration.ofMinutes(1);

	/** How much of GitHub's error {@code message} a failure quotes. */
	static final int MAX_MESSAGE_CHARS = 300;

	/** The call that failed, which decides how a refusal is explained. */
	enum Call {

		DISPATCH, ACCESS_TOKEN, GATE

	}

	private final Clock clock;

	GitHubFailures(Clock clock) {
		this.clock = clock;
	}

	/**
	 * The failure for a non-2xx answer: rate limits, 408 and 5xx are transient (not
	 * before the time GitHub names); anything else is permanent.
	 * @param hidden values that must not appear in the message (the token or JWT)
	 */
	TriggerFailure failure(String what, Response response, Call call, String hidden) {
		int status = response.status();
		String message = message(response);
		String quoted = (message != null) ? " GitHub says: \"" + redact(message, hidden) + "\"" : "";
		Instant now = this.clock.instant();
		Instant retryAfter = RetryAfter.parse(response.headers().getFirst(HttpHeaders.RETRY_AFTER), now);
		String remaining = response.headers().getFirst("x-ratelimit-remaining");
		Instant reset = RetryAfter.epochSeconds(response.headers().getFirst("x-ratelimit-reset"));
		boolean exhausted = remaining != null && remaining.strip().equals("0");
		boolean limitMessage = message != null && message.toLowerCase(Locale.ROOT).contains("rate limit");
		if (status == 429 || (status == 403 && (retryAfter != null || exhausted || limitMessage))) {
			Instant until = (retryAfter != null) ? retryAfter
					: (exhausted && reset != null) ? reset : now.plus(RATE_LIMIT_WAIT);
			return TriggerFailure.transientFailure(
					"GitHub rate-limited " + what + " (" + status + "); retrying after " + until + "." + quoted, until);
		}
		if (OutboundHttp.transientStatus(status)) {
			return TriggerFailure.transientFailure("GitHub failed " + what + " with " + status + "." + quoted,
					retryAfter);
		}
		return TriggerFailure
			.permanent("GitHub refused " + what + " with " + status + ": " + reason(call, status) + "." + quoted);
	}

	private static String reason(Call call, int status) {
		if (call == Call.GATE) {
			return switch (status) {
				case 401 -> "bad credentials; the App's installation token was not accepted";
				case 403 -> "the App lacks permission (Actions: read, Deployments: read and write)";
				case 404 -> "run or repository not found, or the App is not installed on it";
				case 422 -> "GitHub does not wait for this review (answered already, or the run moved on)";
				default -> "the request was not accepted";
			};
		}
		if (call == Call.ACCESS_TOKEN) {
			switch (status) {
				case 401:
					return "the App's JWT was not accepted; check the appId, the private key and this server's clock";
				case 403:
					return "the App may not create an installation token";
				case 404:
					return "no such installation of this App";
				case 422:
					return "the installation token request was not accepted";
				default:
					break;
			}
		}
		else {
			switch (status) {
				case 400:
					return "the request was not accepted";
				case 401:
					return "bad credentials; the token is invalid, expired or revoked";
				case 403:
					return "the token lacks permission (fine-grained token: Actions write; App: actions write)";
				case 404:
					return "workflow or repository not found, or the token cannot see it";
				case 422:
					return "the workflow has no workflow_dispatch trigger, an input is unexpected or missing, "
							+ "or the ref does not exist";
				default:
					break;
			}
		}
		if (status >= 300 && status < 400) {
			return "a redirect, which is not followed (has the repository moved or been renamed?)";
		}
		return "unexpected status";
	}

	/**
	 * GitHub's error {@code message}, bounded and on one line; {@code null} if there is
	 * none.
	 */
	private static String message(Response response) {
		JsonNode json = response.json();
		String message = (json != null) ? GitHubTransport.text(json.get("message")) : null;
		if (message == null || message.isBlank()) {
			return null;
		}
		String line = message.replaceAll("[\\p{Cntrl}]+", " ").strip();
		return (line.length() > MAX_MESSAGE_CHARS) ? line.substring(0, MAX_MESSAGE_CHARS) + "…" : line;
	}

	private static String redact(String text, String hidden) {
		return (hidden != null && !hidden.isEmpty()) ? text.replace(hidden, "[hidden]") : text;
	}

}
