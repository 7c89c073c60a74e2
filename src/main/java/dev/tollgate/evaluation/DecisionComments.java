package dev.tollgate.evaluation;

import dev.tollgate.jira.CommentRequest;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.Rule;
import dev.tollgate.policy.Transition;

/** The words of decision comments, as people will read them on the issue. */
final class DecisionComments {

	private DecisionComments() {
	}

	static CommentRequest of(String issueKey, long auditEventId, Decision decision, Transition transition,
			boolean reverting) {
		Rule rule = decision.rule();
		CommentRequest.Builder comment = CommentRequest.on(issueKey, auditEventId);
		comment.strong((decision.dryRun() ? "DRY RUN, would be " : "") + headline(decision.outcome())).text(": ");
		String actor = (transition.actorAccountId() != null) ? transition.actorAccountId() : "An unknown user";
		switch (decision.outcome()) {
			case ALLOWED -> comment.text(actor + " may move " + issueKey + " from ")
				.code(from(transition))
				.text(" to ")
				.code(transition.toStatus())
				.text(" (rule ")
				.code(rule.name())
				.text(").");
			case DENIED -> {
				comment.text(actor + " may not move " + issueKey + " from ")
					.code(from(transition))
					.text(" to ")
					.code(transition.toStatus())
					.text(".")
					.paragraph();
				if (rule.allowedRoles().isEmpty()) {
					comment.text("Rule ").code(rule.name()).text(" allows nobody to make this transition.");
				}
				else {
					comment.text("Rule ").code(rule.name()).text(" requires the role ");
					for (int i = 0; i < rule.allowedRoles().size(); i++) {
						comment.text((i == 0) ? "" : " or ").code(rule.allowedRoles().get(i));
					}
					comment.text(". Ask a Tollgate administrator for a role binding, or ask someone who holds the role"
							+ " to make the transition.");
				}
				if (reverting) {
					comment.paragraph().text("The issue is being moved back to ").code(from(transition)).text(".");
				}
			}
			case PENDING_APPROVAL -> {
				Rule.Approval approval = rule.approval();
				comment.text(issueKey + " moved to ")
					.code(transition.toStatus())
					.text("; rule ")
					.code(rule.name())
					.text(" needs " + approval.required() + " approval" + ((approval.required() == 1) ? "" : "s")
							+ " from ");
				for (int i = 0; i < approval.approverRoles().size(); i++) {
					comment.text((i == 0) ? "" : " or ").code(approval.approverRoles().get(i));
				}
				comment.text(" before ")
					.code((rule.target() != null) ? rule.target() : "anything")
					.text(" starts.")
					.paragraph()
					.text("Approve with a comment ")
					.code("/approve")
					.text(", or deny with ")
					.code("/deny <reason>")
					.text(".");
				if (approval.separationOfDuties()) {
					comment.text(" The person who made the transition cannot approve it.");
				}
				if (approval.expiresAfter() != null) {
					comment.text(" The request expires after "
							+ approval.expiresAfter().toString().substring(2).toLowerCase() + ".");
				}
			}
			case ERROR -> comment.text(decision.reason() + " Operators can see this decision in the audit log.");
			case IGNORED -> comment.text(decision.reason());
		}
		return comment.build();
	}

	private static String headline(Decision.Outcome outcome) {
		return (outcome == Decision.Outcome.PENDING_APPROVAL) ? "PENDING APPROVAL" : outcome.name();
	}

	private static String from(Transition transition) {
		return (transition.fromStatus() != null) ? transition.fromStatus() : "(new)";
	}

}
