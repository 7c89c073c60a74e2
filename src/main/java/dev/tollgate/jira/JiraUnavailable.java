package dev.tollgate.jira;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.tollgate.outbound.OutboundRefused;

/**
 * Jira could not give an answer: it is down, slow, rate limiting, or Tollgate is
 * misconfigured (no base URL, bad credentials, a refused host). Callers retry later; they
 * must never treat this as a negative answer. Messages never contain credentials.
 */
public class JiraUnavailable extends RuntimeException {

	private final @Nullable Instant retryAfter;

	private JiraUnavailable(String message, @Nullable Instant retryAfter, @Nullable Throwable cause) {
		super(message, cause);
		this.retryAfter = retryAfter;
	}

	/**
	 * The earliest time Jira asked to be called again (its {@code Retry-After}), or
	 * {@code null} when it did not say.
	 */
	public @Nullable Instant retryAfter() {
		return this.retryAfter;
	}

	static JiraUnavailable notConfigured() {
		return new JiraUnavailable(
				"The Jira base URL is not configured: set tollgate.jira.base-url "
						+ "(TOLLGATE_JIRA_BASE_URL), with tollgate.jira.user-email and tollgate.jira.api-token",
				null, null);
	}

	static JiraUnavailable status(String call, int status, @Nullable Instant retryAfter) {
		String message;
		if (status == 401 || status == 403) {
			// Not a denial: the caller retries, and the job ends visibly dead if nobody
			// fixes it.
			message = "Jira refused " + call + " with " + status + ": a credentials or permission problem; check "
					+ "tollgate.jira.user-email and tollgate.jira.api-token (scoped tokens need the "
					+ "api.atlassian.com/ex/jira/{cloudId} base URL) and the account's Jira permissions";
		}
		else if (status == 429) {
			message = "Jira is rate limiting " + call + " (429)";
		}
		else if (status >= 500) {
			message = "Jira failed " + call + " with " + status;
		}
		else {
			message = "Jira answered " + call + " with unexpected status " + status;
		}
		return new JiraUnavailable(message, retryAfter, null);
	}

	/**
	 * A role look-up answered 401 or 404 for a project that exists: Atlassian documents
	 * both for an account without the permission, so it is neither "no roles" nor a
	 * denial of the actor.
	 */
	static JiraUnavailable rolesDenied(String call, int status, String projectKey) {
		return new JiraUnavailable("Jira denies Tollgate's account the project roles of " + projectKey + " (" + call
				+ " answered " + status + " although the project exists): grant the account the "
				+ ProjectRoleAccess.PERMISSION + " permission in that project, or make it a Jira administrator; "
				+ "until then what depends on the project's roles waits and is retried", null, null);
	}

	static JiraUnavailable unreachable(String call, Throwable cause) {
		String what = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
		return new JiraUnavailable("Jira did not answer " + call + ": " + what, null, cause);
	}

	static JiraUnavailable refused(String call, OutboundRefused cause) {
		return new JiraUnavailable("Jira call " + call + " not sent: " + cause.getMessage(), null, cause);
	}

	static JiraUnavailable unreadable(String call, String problem) {
		return new JiraUnavailable("Jira's answer to " + call + " is unusable: " + problem, null, null);
	}

}
