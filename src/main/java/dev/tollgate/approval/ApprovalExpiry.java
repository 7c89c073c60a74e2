package dev.tollgate.approval;

import dev.tollgate.job.JobType;

/**
 * The payload of an {@code EXPIRE_APPROVAL} job, due when an approval request runs out:
 * close the request if it is still pending.
 */
record ApprovalExpiry(long requestId) {

	static final JobType<ApprovalExpiry> JOB = new JobType<>("EXPIRE_APPROVAL", ApprovalExpiry.class);

}
