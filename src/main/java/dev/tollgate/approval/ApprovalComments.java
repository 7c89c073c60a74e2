package dev.tollgate.approval;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import dev.tollgate.jira.CommentRequest;
import dev.tollgate.policy.Rule;

/**
 * Every sentence the approval module writes: the reason of each audit event, the comment
 * mirrored to the issue, and the close reason stored on a request. One place, so the
 * wording stays consistent and can be changed without touching the rules.
 */
final class ApprovalComments {

	private ApprovalComments() {
	}

	/**
	 * What to say about one step.
	 *
	 * @param reason the audit event's reason
	 * @param comment the comment on the issue; {@code null} for none
	 */
	record Note(String reason, Consumer<CommentRequest.Builder> comment) {
	}

	static Note requested(long requestId, Rule rule, Instant expiresAt) {
		Rule.Approval gate = rule.approval();
		return new Note("Approval request " + requestId + " opened: " + gate.required() + " approval(s) from "
				+ gate.approverRoles() + " needed before "
				+ ((rule.target() != null) ? "target '" + rule.target() + "'" : "the transition") + " goes ahead"
				+ ((expiresAt != null) ? ", until " + expiresAt : "") + ".", null);
	}

	static Note cancelled(Approvals.Stored request, String fromStatus, String toStatus) {
		return new Note(
				"Approval request " + request.id() + " was cancelled: the issue moved from '" + fromStatus + "' to '"
						+ toStatus + "'.",
				(comment) -> comment.strong("APPROVAL CANCELLED")
					.text(": the issue left ")
					.code(fromStatus)
					.text(" before enough approvals were in, so ")
					.code((request.target() != null) ? request.target() : "nothing")
					.text(" will not start."));
	}

	static Note denied(Approvals.Stored request, String voter, String reason) {
		return new Note(
				"Approval request " + request.id() + " was denied by " + voter + ((reason != null) ? ": " + reason : "")
						+ ".",
				(comment) -> comment.strong("APPROVAL DENIED")
					.text(": " + voter + " denied this transition" + ((reason != null) ? ": " + reason : "") + ". ")
					.code((request.target() != null) ? request.target() : "Nothing")
					.text(" will not start."));
	}

	static Note granted(Approvals.Stored request, List<String> approvers) {
		return new Note("Approval request " + request.id() + " was granted by " + String.join(", ", approvers) + ".",
				(comment) -> comment.strong("APPROVED")
					.text(" by " + String.join(", ", approvers) + ". ")
					.code((request.target() != null) ? request.target() : "The transition")
					.text((request.target() != null) ? " starts now." : " stands."));
	}

	static Note approved(Approvals.Stored request, String voter, List<String> approvers, int missing) {
		return new Note(voter + " approved request " + request.id() + "; " + missing + " more approval(s) needed.",
				(comment) -> comment.text(voter + " approved. ")
					.strong(missing + " more approval" + ((missing == 1) ? "" : "s"))
					.text(" needed from " + String.join(" or ", request.approverRoles()) + " (so far: "
							+ String.join(", ", approvers) + ")."));
	}

	static Note expired(Approvals.Stored request) {
		return new Note("Approval request " + request.id() + " expired without enough approvals.",
				(comment) -> comment.strong("APPROVAL EXPIRED")
					.text(": not enough approvals came in time. ")
					.code((request.target() != null) ? request.target() : "Nothing")
					.text(" will not start; move the issue again to ask anew."));
	}

	/** A vote that does not count; {@code why} is one of the reasons below. */
	static Note notCounted(String voter, String why) {
		return new Note("A vote by " + voter + " was not counted: " + why + ".",
				(comment) -> comment.strong("VOTE NOT COUNTED").text(": " + why + "."));
	}

	static Note noRequest(VoteRequest vote) {
		return new Note(
				"A vote by " + vote.voter() + " found no open approval request"
						+ ((vote.issueKey() != null) ? " on " + vote.issueKey() : "") + ".",
				(comment) -> comment.strong("VOTE NOT COUNTED")
					.text(": there is no open approval request on this issue."));
	}

	static String alreadyClosed(long requestId, ApprovalStatus status) {
		return "approval request " + requestId + " is already closed (" + status + ")";
	}

	static String issueLeft(Approvals.Stored request, String issueStatus) {
		return "the issue has left '" + request.toStatus() + "' for '" + issueStatus + "', so approval request "
				+ request.id() + " is cancelled";
	}

	static String notAnApprover(String voter, List<String> approverRoles) {
		return voter + " holds none of the approver roles " + approverRoles;
	}

	static String selfApproval(String voter) {
		return voter + " made the transition and cannot approve it (separation of duties)";
	}

	/** The close reason of a request cancelled because its issue moved on. */
	static String movedOn(String issueStatus) {
		return "the issue moved on to '" + issueStatus + "' before the approvals were in";
	}

	static String deniedBy(String voter, String reason) {
		return "denied by " + voter + ((reason != null) ? ": " + reason : "");
	}

	static String approvedBy(List<String> approvers) {
		return "approved by " + approvers;
	}

	static String noQuorumBefore(Instant expiresAt) {
		return "no quorum before " + expiresAt;
	}

}
