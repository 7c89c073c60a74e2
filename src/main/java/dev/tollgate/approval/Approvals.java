package dev.tollgate.approval;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.jira.CommentRequest;
import dev.tollgate.job.JobQueue;
import dev.tollgate.policy.ActorRoles;
import dev.tollgate.policy.PolicySnapshot;
import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.RoleBinding;
import dev.tollgate.policy.Rule;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Approval gates. A {@code PENDING_APPROVAL} decision opens a request; votes are counted
 * under a row lock on the request, so concurrent votes never grant twice or lose a vote;
 * what a vote does is {@link ApprovalGate}'s to say. Reaching the quorum writes
 * {@code APPROVAL_GRANTED} and publishes {@link ApprovalGranted} in one transaction,
 * whose listener starts the pipeline. Every step is audited and mirrored to the issue.
 */
@Service
public class Approvals {

	private final ApprovalRepository repository;

	private final AuditLog audit;

	private final JobQueue jobs;

	private final ApplicationEventPublisher events;

	private final PolicySnapshots snapshots;

	Approvals(ApprovalRepository repository, AuditLog audit, JobQueue jobs, ApplicationEventPublisher events,
			PolicySnapshots snapshots) {
		this.snapshots = snapshots;
		this.repository = repository;
		this.audit = audit;
		this.jobs = jobs;
		this.events = events;
	}

	/**
	 * Opens the request for a {@code PENDING_APPROVAL} decision; joins the caller's
	 * transaction.
	 */
	public void open(Rule rule, GatedTransition transition) {
		Rule.Approval gate = rule.approval();
		Instant expiresAt = (gate.expiresAfter() != null) ? Instant.now().plus(gate.expiresAfter()) : null;
		Optional<Long> id = this.repository.insert(rule, transition, expiresAt);
		if (id.isEmpty()) {
			return;
		}
		Stored request = this.repository.find(id.get()).orElseThrow();
		audit(request, AuditEventType.APPROVAL_REQUESTED, ApprovalStatus.PENDING.name(),
				ApprovalComments.requested(request.id(), rule, expiresAt));
		if (expiresAt != null) {
			this.jobs.enqueue(ApprovalExpiry.JOB, "expire:" + request.id(), new ApprovalExpiry(request.id()),
					expiresAt);
		}
	}

	/**
	 * A transition of the issue: open requests gated on the status it left are cancelled.
	 * Joins the caller's transaction.
	 */
	public void issueMoved(String issueId, String fromStatus, String toStatus) {
		if (fromStatus == null) {
			return;
		}
		for (long id : this.repository.cancelPendingGatedOn(issueId, fromStatus, ApprovalComments.movedOn(toStatus))) {
			Stored request = this.repository.find(id).orElseThrow();
			audit(request, AuditEventType.APPROVAL_CANCELLED, ApprovalStatus.CANCELLED.name(),
					ApprovalComments.cancelled(request, fromStatus, toStatus));
		}
	}

	/**
	 * Which of these issues have an open request, in one statement: a transition of such
	 * an issue may cancel it ({@link #issueMoved}), so it is decided where that is done.
	 * Joins the caller's transaction.
	 */
	public Set<String> pendingOn(Collection<String> issueIds) {
		if (issueIds.isEmpty()) {
			return Set.of();
		}
		return Set.copyOf(this.repository.issuesPending(issueIds.toArray(String[]::new)));
	}

	/** The open request of an issue (the most recent), for a vote from a Jira comment. */
	Optional<Stored> pendingFor(String issueId) {
		return this.repository.pendingFor(issueId);
	}

	/** The newest approval request of this decision, with its votes. */
	@Transactional(readOnly = true)
	public Optional<ApprovalRequest> forDecision(UUID decisionId) {
		return this.repository.forDecision(decisionId).map(this::view);
	}

	/**
	 * The request's status, read so that a close not yet committed is waited for: joins
	 * the caller's transaction, whose writes a closing transaction's
	 * {@link ApprovalClosed} listeners then see.
	 */
	public Optional<ApprovalStatus> lockedStatus(long id) {
		return this.repository.lockedStatus(id);
	}

	public boolean exists(long id) {
		return find(id).isPresent();
	}

	Optional<Stored> find(long id) {
		return this.repository.find(id);
	}

	/**
	 * What a vote by {@code voter} on request {@code id} can still do, checked before
	 * queuing it.
	 */
	public enum VoteState {

		/** Pending, and this voter has not voted yet. */
		OPEN,
		/** This voter's vote is already counted: a repeat is a no-op. */
		ALREADY_VOTED,
		/** Granted, denied, expired or cancelled. */
		CLOSED,
		/**
		 * The voter cannot count: separation of duties, or no approver role (known
		 * without Jira).
		 */
		REFUSED

	}

	/**
	 * What a vote would meet, with the reason when it is {@link VoteState#REFUSED}.
	 */
	public record VoteCheck(VoteState state, String reason) {
	}

	/**
	 * Checks a vote before it is queued: its state ({@link #voteState}) and, for an open
	 * request, the voter's eligibility as far as it is known without Jira (their
	 * user-bound roles when no group or project-role binding could apply, and separation
	 * of duties always). The vote job judges again with the full roles.
	 */
	@Transactional(readOnly = true)
	public VoteCheck check(long id, String voter) {
		VoteState state = voteState(id, voter);
		Optional<Stored> found = (state == VoteState.OPEN) ? find(id) : Optional.empty();
		if (found.isEmpty()) {
			return new VoteCheck(state, null);
		}
		Stored request = found.get();
		PolicySnapshot snapshot = this.snapshots.current();
		Set<String> local = ActorRoles.resolve(snapshot, request.projectKey(), voter, Set.of(), Set.of());
		// Only a group or project-role binding of one of the approver roles could make
		// Jira's answer matter.
		boolean jiraMayAddRoles = snapshot.bindings()
			.stream()
			.anyMatch((binding) -> binding.subjectType() != RoleBinding.SubjectType.USER
					&& binding.appliesTo(request.projectKey())
					&& request.approverRoles().stream().anyMatch(binding.role()::equalsIgnoreCase));
		boolean eligibleLocally = ApprovalGate.eligibility(request.gate(), voter,
				Optional.of(local)) != ApprovalGate.Outcome.NOT_ELIGIBLE;
		Optional<Set<String>> roles = (jiraMayAddRoles && !eligibleLocally) ? Optional.empty() : Optional.of(local);
		ApprovalGate.Outcome refused = ApprovalGate.eligibility(request.gate(), voter, roles);
		if (refused == null) {
			return new VoteCheck(VoteState.OPEN, null);
		}
		return new VoteCheck(VoteState.REFUSED,
				(refused == ApprovalGate.Outcome.SELF_APPROVAL) ? ApprovalComments.selfApproval(voter)
						: ApprovalComments.notAnApprover(voter, request.approverRoles()));
	}

	/**
	 * A vote refused before it was queued ({@link #check}): audited and explained on the
	 * issue, once per voter and request like every refusal.
	 */
	@Transactional
	public void refused(VoteRequest vote, String why) {
		find(vote.requestId()).ifPresent((request) -> refuse(request, vote, why));
	}

	/**
	 * The state a vote by {@code voter} would meet; the vote job checks again under the
	 * request's row lock. Lets the API answer a vote that can change nothing at once,
	 * instead of queuing it (and commenting a refusal on the issue) for nothing.
	 */
	public VoteState voteState(long id, String voter) {
		return this.repository.voteState(id, voter).orElse(VoteState.CLOSED);
	}

	/**
	 * Counts one vote; joins the caller's transaction (the vote job's completion).
	 * @param voterRoles the voter's Tollgate roles in the request's project
	 * @param issueStatus the issue's status as Jira reports it now; empty if unknown
	 */
	void castVote(long requestId, VoteRequest vote, Set<String> voterRoles, Optional<String> issueStatus) {
		// The row lock serialises concurrent votes on one request. The deadline is
		// measured by the
		// database's clock, as the expiry job measures it: that job may not have run yet.
		ApprovalRepository.Locked locked = this.repository.lock(requestId).orElseThrow();
		Stored request = locked.request();
		ApprovalGate.Verdict verdict = ApprovalGate.judge(request.gate(), this.repository.votes(requestId),
				new ApprovalGate.Ballot(vote.voter(), voterRoles, vote.approve(), issueStatus, locked.now()));
		switch (verdict.outcome()) {
			case CLOSED -> refuse(request, vote, ApprovalComments.alreadyClosed(request.id(), request.status()));
			case EXPIRED -> {
				closeExpired(request);
				refuse(request, vote, ApprovalComments.alreadyClosed(request.id(), ApprovalStatus.EXPIRED));
			}
			case ISSUE_MOVED -> {
				close(request, ApprovalStatus.CANCELLED, ApprovalComments.movedOn(issueStatus.get()));
				audit(request, AuditEventType.APPROVAL_CANCELLED, ApprovalStatus.CANCELLED.name(),
						ApprovalComments.cancelled(request, request.toStatus(), issueStatus.get()));
				refuse(request, vote, ApprovalComments.issueLeft(request, issueStatus.get()));
			}
			case NOT_ELIGIBLE ->
				refuse(request, vote, ApprovalComments.notAnApprover(vote.voter(), request.approverRoles()));
			case SELF_APPROVAL -> refuse(request, vote, ApprovalComments.selfApproval(vote.voter()));
			case DUPLICATE -> {
				// One vote per person: a repeat changes nothing.
			}
			case DENIED, GRANTED, RECORDED -> {
				if (this.repository.insertVote(requestId, vote)) {
					counted(request, vote, verdict);
				}
			}
		}
	}

	private void counted(Stored request, VoteRequest vote, ApprovalGate.Verdict verdict) {
		switch (verdict.outcome()) {
			case DENIED -> {
				close(request, ApprovalStatus.DENIED, ApprovalComments.deniedBy(vote.voter(), vote.reason()));
				audit(request, AuditEventType.APPROVAL_DENIED, ApprovalStatus.DENIED.name(),
						ApprovalComments.denied(request, vote.voter(), vote.reason()));
			}
			case GRANTED -> {
				close(request, ApprovalStatus.GRANTED, ApprovalComments.approvedBy(verdict.approvers()));
				audit(request, AuditEventType.APPROVAL_GRANTED, ApprovalStatus.GRANTED.name(),
						ApprovalComments.granted(request, verdict.approvers()));
				// Synchronous, in this transaction: the grant and what it starts commit
				// together.
				this.events.publishEvent(request.granted(verdict.approvers()));
			}
			default -> audit(request, AuditEventType.APPROVAL_VOTED, "APPROVED",
					ApprovalComments.approved(request, vote.voter(), verdict.approvers(), verdict.missing()));
		}
	}

	/** Closes an expired request (the expiry job); joins the caller's transaction. */
	void expire(long requestId) {
		this.repository.lock(requestId)
			.filter((locked) -> ApprovalGate.expired(locked.request().gate(), locked.now()))
			.ifPresent((locked) -> closeExpired(locked.request()));
	}

	private void closeExpired(Stored request) {
		close(request, ApprovalStatus.EXPIRED, ApprovalComments.noQuorumBefore(request.expiresAt()));
		audit(request, AuditEventType.APPROVAL_EXPIRED, ApprovalStatus.EXPIRED.name(),
				ApprovalComments.expired(request));
	}

	/**
	 * A vote that does not count, audited and explained on the issue the first time this
	 * voter is refused on this request; a repeat is not (30 refused votes are one
	 * comment, not 30).
	 */
	void refuse(Stored request, VoteRequest vote, String why) {
		if (!this.repository.firstRefusal(request.id(), vote.voter())) {
			return;
		}
		audit(request, AuditEventType.APPROVAL_VOTED, "REJECTED", ApprovalComments.notCounted(vote.voter(), why));
	}

	@Transactional(readOnly = true)
	public List<ApprovalRequest> list(String status, int limit) {
		return this.repository.list(status, limit).stream().map(this::view).toList();
	}

	/** One request with its votes, whatever its status. */
	@Transactional(readOnly = true)
	public Optional<ApprovalRequest> get(long id) {
		return this.repository.find(id).map(this::view);
	}

	private ApprovalRequest view(Stored r) {
		return new ApprovalRequest(r.id(), r.decisionId(), r.status().name(), r.ruleId(), r.ruleName(), r.target(),
				r.required(), r.approverRoles(), r.separationOfDuties(), r.requester(), r.issueKey(), r.projectKey(),
				r.fromStatus(), r.toStatus(), r.createdAt(), r.expiresAt(), r.closedAt(), r.closeReason(),
				this.repository.votesShown(r.id()));
	}

	private void close(Stored request, ApprovalStatus status, String reason) {
		this.repository.close(request.id(), status, reason);
	}

	private void audit(Stored request, AuditEventType type, String outcome, ApprovalComments.Note note) {
		long eventId = this.audit.append(AuditEvent.of(type, note.reason())
			.outcome(outcome)
			.deliveryId(request.deliveryId())
			.issue(request.issueId(), request.issueKey(), request.projectKey(), request.issueType())
			.actor(request.requester())
			.transition(request.fromStatus(), request.toStatus())
			.rule(request.ruleId(), request.ruleName())
			.target(request.target())
			.decisionId(request.decisionId())
			.details(Map.of("approvalRequestId", request.id()))
			.build());
		ApprovalStatus closedAs = switch (type) {
			case APPROVAL_GRANTED -> ApprovalStatus.GRANTED;
			case APPROVAL_DENIED -> ApprovalStatus.DENIED;
			case APPROVAL_EXPIRED -> ApprovalStatus.EXPIRED;
			case APPROVAL_CANCELLED -> ApprovalStatus.CANCELLED;
			default -> null;
		};
		if (closedAs != null) {
			// Synchronous, in this transaction: whoever waits on the request learns of it
			// exactly when the close commits.
			this.events.publishEvent(new ApprovalClosed(request.id(), request.decisionId(), closedAs));
		}
		if (note.comment() != null && request.comment()) {
			CommentRequest.Builder builder = CommentRequest.on(request.issueKey(), eventId);
			note.comment().accept(builder);
			CommentRequest built = builder.build();
			this.jobs.enqueueOrdered(CommentRequest.JOB, built.dedupKey(), built, built.orderingKey());
		}
	}

	/** A request as stored. */
	record Stored(long id, UUID decisionId, ApprovalStatus status, long ruleId, String ruleName, String target,
			int required, List<String> approverRoles, boolean separationOfDuties, boolean comment, String requester,
			String deliveryId, String issueId, String issueKey, String projectKey, String issueType, String fromStatus,
			String toStatus, Instant createdAt, Instant expiresAt, Instant closedAt, String closeReason) {

		ApprovalGate.Request gate() {
			return new ApprovalGate.Request(this.status, this.requester, this.required, this.approverRoles,
					this.separationOfDuties, this.expiresAt, this.toStatus);
		}

		ApprovalGranted granted(List<String> approvers) {
			return new ApprovalGranted(this.id, this.decisionId, this.deliveryId, this.ruleId, this.ruleName,
					this.target, this.issueId, this.issueKey, this.projectKey, this.issueType, this.fromStatus,
					this.toStatus, this.requester, this.comment, approvers);
		}

	}

}
