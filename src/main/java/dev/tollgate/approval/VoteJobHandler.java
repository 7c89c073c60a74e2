package dev.tollgate.approval;

import java.util.Optional;
import java.util.Set;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.identity.ActorRoleResolver;
import dev.tollgate.jira.CommentRequest;
import dev.tollgate.jira.JiraClient;
import dev.tollgate.jira.JiraUnavailable;
import dev.tollgate.job.Job;
import dev.tollgate.job.JobHandler;
import dev.tollgate.job.JobOutcome;
import dev.tollgate.job.JobQueue;
import dev.tollgate.job.JobType;
import dev.tollgate.outbound.OutboundRefused;
import dev.tollgate.policy.PolicySnapshots;
import org.springframework.stereotype.Component;

/**
 * The {@code VOTE} job: resolves the voter's roles (like any actor: users, groups,
 * project roles; a Jira outage means retry, never "not an approver") and counts the vote.
 */
@Component
class VoteJobHandler implements JobHandler<VoteRequest> {

	private final Approvals approvals;

	private final ActorRoleResolver roles;

	private final PolicySnapshots snapshots;

	private final AuditLog audit;

	private final JobQueue jobs;

	private final JiraClient jira;

	VoteJobHandler(Approvals approvals, ActorRoleResolver roles, PolicySnapshots snapshots, AuditLog audit,
			JobQueue jobs, JiraClient jira) {
		this.jira = jira;
		this.approvals = approvals;
		this.roles = roles;
		this.snapshots = snapshots;
		this.audit = audit;
		this.jobs = jobs;
	}

	@Override
	public JobType<VoteRequest> type() {
		return VoteRequest.JOB;
	}

	@Override
	public JobOutcome handle(Job job, VoteRequest vote) {
		Optional<Approvals.Stored> request = (vote.requestId() != null) ? this.approvals.find(vote.requestId())
				: this.approvals.pendingFor(vote.issueId());
		if (request.isEmpty()) {
			return JobOutcome.done(() -> noRequest(vote));
		}
		Approvals.Stored found = request.get();
		if (found.status() != ApprovalStatus.PENDING) {
			return JobOutcome.done(() -> this.approvals.refuse(found, vote,
					ApprovalComments.alreadyClosed(found.id(), found.status())));
		}
		Set<String> voterRoles;
		try {
			voterRoles = this.roles.rolesOf(this.snapshots.current(), found.projectKey(), vote.voter());
		}
		catch (JiraUnavailable ex) {
			return JobOutcome.retryLater("Voter roles unknown: " + ex.getMessage(), ex.retryAfter());
		}
		catch (OutboundRefused ex) {
			return JobOutcome.retryLater("Voter roles unknown: " + ex.getMessage(), null);
		}
		// Where the issue is now: a request whose issue has left the gated status must
		// not be granted,
		// also when the webhook that should have cancelled it never came (Jira gave up on
		// it, or it is
		// still on its way). Unknown (no Jira, or the issue is not visible): counted as
		// before.
		Optional<String> issueStatus;
		try {
			issueStatus = (found.issueKey() != null && this.jira.configured()) ? this.jira.status(found.issueKey())
					: Optional.empty();
		}
		catch (JiraUnavailable ex) {
			return JobOutcome.retryLater("Issue status unknown: " + ex.getMessage(), ex.retryAfter());
		}
		return JobOutcome.done(() -> this.approvals.castVote(found.id(), vote, voterRoles, issueStatus));
	}

	/** A vote on nothing is answered on the issue once, not with an error. */
	private void noRequest(VoteRequest vote) {
		ApprovalComments.Note note = ApprovalComments.noRequest(vote);
		long eventId = this.audit.append(AuditEvent.of(AuditEventType.APPROVAL_VOTED, note.reason())
			.outcome("REJECTED")
			.issue(vote.issueId(), vote.issueKey(), vote.projectKey(), null)
			.actor(vote.voter())
			.build());
		if (vote.issueKey() != null) {
			CommentRequest.Builder builder = CommentRequest.on(vote.issueKey(), eventId);
			note.comment().accept(builder);
			CommentRequest comment = builder.build();
			this.jobs.enqueueOrdered(CommentRequest.JOB, comment.dedupKey(), comment, comment.orderingKey());
		}
	}

}
