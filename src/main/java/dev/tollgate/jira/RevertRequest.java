package dev.tollgate.jira;

import java.util.UUID;

import dev.tollgate.job.JobType;

/**
 * The payload of a {@code REVERT} job: move a denied transition back.
 *
 * @param backTo the status the issue came from, where it should return
 * @param deniedTo the status the denied transition reached
 */
public record RevertRequest(UUID decisionId, String deliveryId, String issueId, String issueKey, String projectKey,
		String backTo, String deniedTo, String ruleName, boolean comment) {

	public static final JobType<RevertRequest> JOB = new JobType<>("REVERT", RevertRequest.class);

	public String dedupKey() {
		return "revert:" + this.decisionId;
	}

}
