package dev.tollgate.approval;

import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.job.Job;
import dev.tollgate.job.JobHandler;
import dev.tollgate.job.JobOutcome;
import org.springframework.stereotype.Component;

/** The {@code EXPIRE_APPROVAL} job, due at the request's expiry: closes it if still pending. */
@Component
class ExpireApprovalJobHandler implements JobHandler {

	private final JsonMapper json;

	private final Approvals approvals;

	ExpireApprovalJobHandler(JsonMapper json, Approvals approvals) {
		this.json = json;
		this.approvals = approvals;
	}

	@Override
	public String kind() {
		return Approvals.EXPIRE_JOB;
	}

	@Override
	public JobOutcome handle(Job job) {
		long requestId = this.json.readTree(job.payload()).path("requestId").asLong();
		return JobOutcome.done(() -> this.approvals.expire(requestId));
	}

}
