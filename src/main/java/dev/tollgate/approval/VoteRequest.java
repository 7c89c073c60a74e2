package dev.tollgate.approval;

import dev.tollgate.job.JobType;

/**
 * The payload of a {@code VOTE} job: one person's answer to an approval request, from a
 * Jira comment ({@code /approve}, {@code /deny <reason>}) from the admin API or from the
 * console.
 *
 * @param requestId the request voted on; {@code null} from Jira (the issue's open
 * request)
 * @param issueId the issue, when the vote came from Jira
 */
public record VoteRequest(Long requestId, String issueId, String issueKey, String projectKey, String voter,
		boolean approve, String reason, Source source, String sourceId) {

	public static final JobType<VoteRequest> JOB = new JobType<>("VOTE", VoteRequest.class);

	public enum Source {

		JIRA, API, CONSOLE

	}

	public String dedupKey() {
		return "vote:" + this.source + ":" + this.sourceId;
	}

	/** A vote from a Jira comment, which names the issue rather than the request. */
	public static VoteRequest fromComment(String issueId, String issueKey, String projectKey, String voter,
			String commentId, boolean approve, String reason) {
		return new VoteRequest(null, issueId, issueKey, projectKey, voter, approve, reason, Source.JIRA, commentId);
	}

}
