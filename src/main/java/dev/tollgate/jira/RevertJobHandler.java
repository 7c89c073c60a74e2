package dev.tollgate.jira;

import java.util.Optional;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.job.Job;
import dev.tollgate.job.JobHandler;
import dev.tollgate.job.JobOutcome;
import dev.tollgate.job.JobQueue;
import dev.tollgate.job.JobType;
import org.springframework.stereotype.Component;

/**
 * The {@code REVERT} job: moves a denied transition back through the Jira transitions
 * API, so a rule with {@code revertOnDeny} enforces rather than only reports. The revert
 * is noted before it is made, so its own webhook is recognised and ignored.
 */
@Component
class RevertJobHandler implements JobHandler<RevertRequest> {

	private final JiraClient jira;

	private final Reverts reverts;

	private final AuditLog audit;

	private final JobQueue jobs;

	RevertJobHandler(JiraClient jira, Reverts reverts, AuditLog audit, JobQueue jobs) {
		this.jira = jira;
		this.reverts = reverts;
		this.audit = audit;
		this.jobs = jobs;
	}

	@Override
	public JobType<RevertRequest> type() {
		return RevertRequest.JOB;
	}

	@Override
	public JobOutcome handle(Job job, RevertRequest request) {
		try {
			// Only the denied status is reverted: an issue that is back already (an
			// earlier attempt went
			// through although its answer was lost) or has moved on since is left where
			// it is. Unknown
			// (the issue is not visible to Tollgate): the transitions decide, as before.
			Optional<String> current = this.jira.status(request.issueKey());
			if (current.isPresent() && current.get().equalsIgnoreCase(request.backTo())) {
				return JobOutcome.done(() -> record(request, AuditEventType.TRANSITION_REVERTED,
						request.issueKey() + " is back in '" + request.backTo() + "', where rule '" + request.ruleName()
								+ "' wants it after denying the transition to '" + request.deniedTo() + "'."));
			}
			if (current.isPresent() && !current.get().equalsIgnoreCase(request.deniedTo())) {
				return JobOutcome.done(() -> {
					this.reverts.forgetAll(request.issueId(), request.deniedTo(), request.backTo());
					record(request, AuditEventType.REVERT_FAILED, "The denied transition was not reverted: "
							+ request.issueKey() + " has moved on to '" + current.get() + "' since.");
				});
			}
			Optional<JiraClient.IssueTransition> back = this.jira.transitions(request.issueKey())
				.stream()
				.filter((t) -> t.to() != null && t.to().name() != null
						&& t.to().name().equalsIgnoreCase(request.backTo()))
				.findFirst();
			if (back.isEmpty()) {
				return JobOutcome.done(() -> record(request, AuditEventType.REVERT_FAILED,
						"The denied transition could not be reverted: no transition of " + request.issueKey()
								+ " leads back to '" + request.backTo() + "'."));
			}
			long expected = job.triedBefore()
					? this.reverts.expectAgain(request.issueId(), request.deniedTo(), request.backTo())
					: this.reverts.expect(request.issueId(), request.deniedTo(), request.backTo());
			try {
				this.jira.transition(request.issueKey(), back.get().id());
			}
			catch (JiraRejected ex) {
				this.reverts.forget(expected);
				return JobOutcome.done(() -> record(request, AuditEventType.REVERT_FAILED,
						"The denied transition could not be reverted: " + ex.getMessage()));
			}
			// JiraUnavailable: the marker stays. After a timeout the revert may have been
			// made, and its
			// webhook must still be recognised; the retry reuses the marker, and a revert
			// given up on
			// drops it (buried).
			return JobOutcome.done(() -> record(request, AuditEventType.TRANSITION_REVERTED,
					request.issueKey() + " was moved back to '" + request.backTo() + "' because rule '"
							+ request.ruleName() + "' denied the transition to '" + request.deniedTo() + "'."));
		}
		catch (JiraUnavailable ex) {
			return JobOutcome.retryLater(ex.getMessage(), ex.retryAfter());
		}
	}

	@Override
	public void buried(Job job, RevertRequest request, String reason) {
		this.reverts.forgetAll(request.issueId(), request.deniedTo(), request.backTo());
		record(request, AuditEventType.REVERT_FAILED, "The denied transition could not be reverted: " + reason);
	}

	private void record(RevertRequest request, AuditEventType type, String reason) {
		long eventId = this.audit.append(AuditEvent.of(type, reason)
			.outcome((type == AuditEventType.TRANSITION_REVERTED) ? "REVERTED" : "FAILED")
			.deliveryId(request.deliveryId())
			.issue(request.issueId(), request.issueKey(), request.projectKey(), null)
			.transition(request.deniedTo(), request.backTo())
			.decisionId(request.decisionId())
			.build());
		if (request.comment()) {
			CommentRequest comment = CommentRequest.on(request.issueKey(), eventId)
				.strong((type == AuditEventType.TRANSITION_REVERTED) ? "REVERTED" : "NOT REVERTED")
				.text(": " + reason)
				.build();
			this.jobs.enqueueOrdered(CommentRequest.JOB, comment.dedupKey(), comment, comment.orderingKey());
		}
	}

}
