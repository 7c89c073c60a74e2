package dev.tollgate.jira;

/**
 * Jira refused a write for good: the issue is gone or not visible (404), the caller lacks
 * the permission (403), the request is invalid (400) or a limit is reached (413).
 * Retrying cannot help. The message holds Jira's own error text, never our credentials.
 */
public class JiraRejected extends RuntimeException {

	private final int status;

	JiraRejected(String call, int status, String jiraMessage) {
		super("Jira refused " + call + " with " + status + describe(status)
				+ ((jiraMessage == null || jiraMessage.isBlank()) ? "" : ": " + jiraMessage.strip()), null, false,
				false);
		this.status = status;
	}

	public int status() {
		return this.status;
	}

	private static String describe(int status) {
		return switch (status) {
			case 404 -> " (the issue does not exist or the Jira user cannot see it)";
			case 403 -> " (the Jira user lacks the permission)";
			case 413 -> " (a Jira limit is reached)";
			default -> "";
		};
	}

}
