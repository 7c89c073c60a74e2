package dev.tollgate.gate;

import dev.tollgate.approval.ApprovalClosed;
import dev.tollgate.job.JobQueue;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Wakes every review waiting on an approval request the moment it closes: one job per
 * waiting review, enqueued in the transaction that closes the request, so the deployments
 * waiting on a grant are answered at once, without polling the approvals.
 */
@Component
class ApprovalClosedListener {

	private final GateReviews reviews;

	private final JobQueue jobs;

	ApprovalClosedListener(GateReviews reviews, JobQueue jobs) {
		this.reviews = reviews;
		this.jobs = jobs;
	}

	@EventListener
	void closed(ApprovalClosed closed) {
		for (long id : this.reviews.waitingOn(closed.requestId())) {
			this.jobs.enqueue(GateReviewJob.JOB, GateReviewJob.dedupKey(id, "closed:" + closed.requestId()),
					new GateReviewJob(id));
		}
	}

}
