package dev.tollgate.approval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The pure rule of an approval request: what one more vote does, no I/O.
 * <p>
 * Checked in this order, the first that applies wins: a closed request takes no vote; a
 * request past its deadline expires; a request whose issue has left the gated status is
 * cancelled; the voter must hold one of the approver roles (case-insensitively) and,
 * under separation of duties, must not be the requester; one vote per person (a repeat
 * changes nothing); a deny closes the request; an approval grants it once the approvals
 * reach the quorum, else it is recorded.
 */
final class ApprovalGate {

	private ApprovalGate() {
	}

	/** What a vote does. */
	enum Outcome {

		/** Counted; the quorum is not reached yet. */
		RECORDED,
		/** Counted, and it completes the quorum. */
		GRANTED,
		/** Counted: a deny, which closes the request. */
		DENIED,
		/** Not counted: the voter holds none of the approver roles. */
		NOT_ELIGIBLE,
		/** Not counted: the requester may not approve under separation of duties. */
		SELF_APPROVAL,
		/** Not counted, silently: this voter has voted already. */
		DUPLICATE,
		/** Not counted: the request is granted, denied, expired or cancelled. */
		CLOSED,
		/** Not counted: the deadline has passed, so the request expires now. */
		EXPIRED,
		/**
		 * Not counted: the issue is no longer in the gated status, so the request is
		 * cancelled.
		 */
		ISSUE_MOVED

	}

	/**
	 * The request as the gate needs it.
	 *
	 * @param expiresAt the deadline; {@code null} for none
	 * @param gatedStatus the status the issue must still be in
	 */
	record Request(ApprovalStatus status, String requester, int required, List<String> approverRoles,
			boolean separationOfDuties, Instant expiresAt, String gatedStatus) {
	}

	/** A vote already counted, in the order cast. */
	record Vote(String voter, boolean approve) {
	}

	/**
	 * A new vote.
	 *
	 * @param voterRoles the voter's Tollgate roles in the request's project
	 * @param issueStatus the issue's status as Jira reports it now; empty if unknown
	 * @param now the clock the deadline is measured by
	 */
	record Ballot(String voter, Set<String> voterRoles, boolean approve, Optional<String> issueStatus, Instant now) {
	}

	/**
	 * @param approvers who has approved, including this vote when it counts, in the order
	 * cast
	 * @param missing approvals still needed after this vote
	 */
	record Verdict(Outcome outcome, List<String> approvers, int missing) {

		static Verdict of(Outcome outcome) {
			return new Verdict(outcome, List.of(), 0);
		}

	}

	static Verdict judge(Request request, List<Vote> votes, Ballot ballot) {
		if (request.status() != ApprovalStatus.PENDING) {
			return Verdict.of(Outcome.CLOSED);
		}
		if (expired(request, ballot.now())) {
			return Verdict.of(Outcome.EXPIRED);
		}
		if (ballot.issueStatus().isPresent() && request.gatedStatus() != null
				&& !ballot.issueStatus().get().strip().equalsIgnoreCase(request.gatedStatus().strip())) {
			return Verdict.of(Outcome.ISSUE_MOVED);
		}
		Outcome refused = eligibility(request, ballot.voter(), Optional.of(ballot.voterRoles()));
		if (refused != null) {
			return Verdict.of(refused);
		}
		if (votes.stream().anyMatch((vote) -> vote.voter().equals(ballot.voter()))) {
			return Verdict.of(Outcome.DUPLICATE);
		}
		if (!ballot.approve()) {
			return Verdict.of(Outcome.DENIED);
		}
		List<String> approvers = new ArrayList<>();
		votes.stream().filter(Vote::approve).map(Vote::voter).forEach(approvers::add);
		approvers.add(ballot.voter());
		int missing = Math.max(0, request.required() - approvers.size());
		return new Verdict((missing == 0) ? Outcome.GRANTED : Outcome.RECORDED, List.copyOf(approvers), missing);
	}

	/**
	 * Whether this voter may vote on the request at all: {@link Outcome#NOT_ELIGIBLE},
	 * {@link Outcome#SELF_APPROVAL}, or {@code null} when they may. Also decides before a
	 * vote is queued, from what is known without Jira.
	 * @param voterRoles the voter's roles; empty when they are not known yet (roles from
	 * Jira groups or project roles), in which case only separation of duties is judged
	 */
	static Outcome eligibility(Request request, String voter, Optional<Set<String>> voterRoles) {
		if (voterRoles.isPresent() && voterRoles.get()
			.stream()
			.noneMatch((role) -> request.approverRoles().stream().anyMatch(role::equalsIgnoreCase))) {
			return Outcome.NOT_ELIGIBLE;
		}
		if (request.separationOfDuties() && voter.equals(request.requester())) {
			return Outcome.SELF_APPROVAL;
		}
		return null;
	}

	/**
	 * Past its deadline (the deadline itself included), a pending request can only
	 * expire.
	 */
	static boolean expired(Request request, Instant now) {
		return request.status() == ApprovalStatus.PENDING && request.expiresAt() != null
				&& !request.expiresAt().isAfter(now);
	}

}
