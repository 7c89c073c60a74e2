package dev.tollgate.approval;

import dev.tollgate.job.Job;
import dev.tollgate.job.JobHandler;
import dev.tollgate.job.JobOutcome;
import dev.tollgate.job.JobType;
import org.springframework.stereotype.Component;

/**
 * The {@code EXPIRE_APPROVAL} job, due at the request's expiry: closes it if still
 * pending.
 */
@Component
class ExpireApprovalJobHandler implements JobHandler<ApprovalExpiry> {

	private final Approvals approvals;

	ExpireApprovalJobHandler(Approvals approvals) {
		this.approvals = approvals;
	}

	@Override
	public JobType<ApprovalExpiry> type() {
		return ApprovalExpiry.JOB;
	}

	@Override
	public JobOutcome handle(Job job, ApprovalExpiry expiry) {
		return JobOutcome.done(() -> this.approvals.expire(expiry.requestId()));
	}

}
