package dev.tollgate.pipeline;

import dev.tollgate.approval.ApprovalGranted;
import dev.tollgate.job.JobQueue;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Starts the pipeline a granted approval held back: enqueues its {@code TRIGGER} job,
 * under the decision's id, like an allowed decision does.
 * <p>
 * A plain, synchronous {@link EventListener}, so the job is enqueued inside the
 * transaction that grants: the grant and its trigger commit together or not at all. A
 * listener after commit could lose the trigger to a crash between the two.
 */
@Component
class ApprovalGrantedListener {

	private final JobQueue jobs;

	ApprovalGrantedListener(JobQueue jobs) {
		this.jobs = jobs;
	}

	@EventListener
	void granted(ApprovalGranted grant) {
		if (grant.target() == null) {
			return; // the rule gates the transition only: nothing to start
		}
		TriggerRequest trigger = new TriggerRequest(grant.decisionId(), grant.deliveryId(), grant.ruleId(),
				grant.ruleName(), grant.target(), grant.issueId(), grant.issueKey(), grant.projectKey(),
				grant.issueType(), grant.fromStatus(), grant.toStatus(), grant.requesterAccountId(), grant.comment());
		this.jobs.enqueue(TriggerRequest.JOB, trigger.dedupKey(), trigger);
	}

}
