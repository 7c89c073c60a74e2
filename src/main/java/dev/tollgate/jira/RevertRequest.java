package dev.tollgate.jira;

import java.util.UUID;

/**
 * The payload of a {@code REVERT} job: move a denied transition back.
 *
 * @param backTo the status the issue came from, where it should return
 * @param deniedTo the status the denied transition reached
 */
public record RevertRequest(UUID decisionId, String deliveryId, String issueId, String issueKey, String projectKey,
		String backTo, String deniedTo, String ruleName, boolean comment) {

	public static final String JOB_KIND = "REVERT";

	public String dedupKey() {
		return "revert:" + this.decisionId;
	}

}
