package dev.tollgate.approval;

import java.util.regex.Pattern;

/**
 * The payload of a {@code VOTE} job: one person's answer to an approval request, from a Jira
 * comment ({@code /approve}, {@code /deny <reason>}) or from the admin API.
 *
 * @param requestId the request voted on; {@code null} from Jira (the issue's open request)
 * @param issueId the issue, when the vote came from Jira
 */
public record VoteRequest(Long requestId, String issueId, String issueKey, String projectKey, String voter,
		boolean approve, String reason, Source source, String sourceId) {

	public static final String JOB_KIND = "VOTE";

	private static final Pattern WHITESPACE = Pattern.compile("\\s+");

	public enum Source {

		JIRA, API

	}

	public String dedupKey() {
		return "vote:" + this.source + ":" + this.sourceId;
	}

	/** Parses {@code /approve} or {@code /deny <reason>} (first word, any case). */
	public static VoteRequest fromComment(String issueId, String issueKey, String projectKey, String voter,
			String commentId, String text) {
		String[] words = WHITESPACE.split(text.strip(), 2);
		boolean approve = words[0].equalsIgnoreCase("/approve");
		String reason = (words.length > 1) ? words[1].strip() : null;
		return new VoteRequest(null, issueId, issueKey, projectKey, voter, approve, reason, Source.JIRA, commentId);
	}

}
