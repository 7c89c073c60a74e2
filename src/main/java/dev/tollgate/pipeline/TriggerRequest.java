package dev.tollgate.pipeline;

import java.util.UUID;

import dev.tollgate.job.JobType;

/**
 * The payload of a {@code TRIGGER} job: everything needed to start the pipeline and to
 * audit it, captured at decision time so a later policy change cannot alter what was
 * decided.
 *
 * @param decisionId unique per decision; passed to the pipeline so it can recognise a
 * repeat
 * @param comment whether the rule wants the result mirrored to the issue
 */
public record TriggerRequest(UUID decisionId, String deliveryId, long ruleId, String ruleName, String target,
		String issueId, String issueKey, String projectKey, String issueType, String fromStatus, String toStatus,
		String actorAccountId, boolean comment) {

	public static final JobType<TriggerRequest> JOB = new JobType<>("TRIGGER", TriggerRequest.class);

	public String dedupKey() {
		return dedupKey(this.decisionId);
	}

	/** The key of the one {@code TRIGGER} job a decision can have. */
	static String dedupKey(UUID decisionId) {
		return "trigger:" + decisionId;
	}

}
