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

	/** {@code /approve} or {@code /deny} as the first word, ignoring leading blanks and case. */
	public static boolean isCommand(String text) {
		if (text == null) {
			return false;
		}
		String first = words(text)[0];
		return first.equalsIgnoreCase("/approve") || first.equalsIgnoreCase("/deny");
	}

	/** Parses {@code /approve} or {@code /deny <reason>}: a text {@link #isCommand} accepts. */
	public static VoteRequest fromComment(String issueId, String issueKey, String projectKey, String voter,
			String commentId, String text) {
		String[] words = words(text);
		boolean approve = words[0].equalsIgnoreCase("/approve");
		String reason = (words.length > 1) ? words[1].strip() : null;
		return new VoteRequest(null, issueId, issueKey, projectKey, voter, approve, reason, Source.JIRA, commentId);
	}

	/** The first word and the rest. */
	private static String[] words(String text) {
		return WHITESPACE.split(text.strip(), 2);
	}

}
