package dev.tollgate.gate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tollgate.approval.ApprovalRequest;
import dev.tollgate.approval.ApprovalStatus;
import dev.tollgate.approval.Approvals;
import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditQuery.DecisionRecord;
import dev.tollgate.jira.JiraClient;
import dev.tollgate.pipeline.GateAnswers;
import dev.tollgate.pipeline.GateAsk;
import dev.tollgate.policy.Gate;
import dev.tollgate.policy.Target;

import org.springframework.stereotype.Component;

/**
 * Whether a waiting deployment is cleared. Default deny: a run is approved only when
 * <ol>
 * <li>Tollgate started it for a decision of a rule whose target is the gate's target, and
 * that decision was allowed, or its approval request granted; or</li>
 * <li>the gate accepts linked issues, the run names a Jira issue that stands now (asked
 * of Jira) in one of the gate's statuses, and the last move of that issue into that
 * status was allowed, or its approval granted.</li>
 * </ol>
 * A pending approval makes the deployment wait; anything else rejects it, with a reason a
 * person can read. Nothing the CI system says is trusted alone: a decision id counts only
 * as the run Tollgate recorded for it.
 */
@Component
class Clearance {

	/** How many issue keys one run may name before the rest are ignored. */
	static final int MAX_ISSUE_KEYS = 5;

	/** How much of each branch, title or message is searched. */
	static final int MAX_TEXT = 2000;

	private static final Pattern DECISION_ID = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private final AuditQuery audit;

	private final Approvals approvals;

	private final JiraClient jira;

	private final GateAnswers answers;

	Clearance(AuditQuery audit, Approvals approvals, JiraClient jira, GateAnswers answers) {
		this.audit = audit;
		this.approvals = approvals;
		this.jira = jira;
		this.answers = answers;
	}

	/** What the gate makes of the run now. */
	record Verdict(GateReview.Status status, String reason, UUID decisionId, String issueKey, Long approvalRequestId) {

		static Verdict approve(String reason, UUID decisionId, String issueKey) {
			return new Verdict(GateReview.Status.APPROVED, reason, decisionId, issueKey, null);
		}

		static Verdict reject(String reason, UUID decisionId, String issueKey) {
			return new Verdict(GateReview.Status.REJECTED, reason, decisionId, issueKey, null);
		}

		static Verdict waitFor(long approvalRequestId, String reason, UUID decisionId, String issueKey) {
			return new Verdict(GateReview.Status.WAITING, reason, decisionId, issueKey, approvalRequestId);
		}

		boolean waits() {
			return this.status == GateReview.Status.WAITING;
		}

	}

	Verdict of(Gate gate, Target target, GateAsk asked) {
		GateAsk ask = this.answers.completed(target, asked);
		List<String> texts = new ArrayList<>(ask.texts());
		String unread = "";
		Optional<GateAnswers.StartedRun> started = this.answers.startedRun(ask, decisionIds(ask, texts));
		if (started.isEmpty() && ask.runId() != null) {
			// The run's own title may carry the decision id (GitHub's run-name), and its
			// branch, commit and pull requests an issue key: only the CI system's API
			// tells.
			try {
				texts.addAll(this.answers.moreTexts(target, ask));
			}
			catch (GateAnswers.Unanswered ex) {
				if (!ex.permanent()) {
					throw ex;
				}
				// Judged on what the request itself says; the reason tells why no more.
				unread = " The run could not be read: " + ex.getMessage();
			}
			started = this.answers.startedRun(ask, decisionIds(ask, texts));
		}
		if (started.isPresent()) {
			return startedByTollgate(gate, started.get());
		}
		if (!gate.linkedIssues()) {
			return Verdict.reject("Tollgate did not start this run, and gate '" + gate.name()
					+ "' clears only runs Tollgate started (linkedIssues is off)." + unread, null, null);
		}
		Set<String> keys = issueKeys(gate, ask, texts);
		if (keys.isEmpty()) {
			return Verdict.reject("Tollgate did not start this run, and it names no Jira issue (looked in "
					+ "its branch or ref, title, head commit message and pull requests for " + gate.issueKeyPattern()
					+ ").", null, null);
		}
		List<String> reasons = new ArrayList<>();
		Verdict waiting = null;
		for (String key : keys) {
			Verdict verdict = linkedIssue(gate, key);
			if (verdict.status() == GateReview.Status.APPROVED) {
				return verdict;
			}
			if (verdict.waits() && waiting == null) {
				waiting = verdict;
			}
			reasons.add(verdict.reason());
		}
		return (waiting != null) ? waiting : Verdict.reject(String.join(" ", reasons), null, keys.iterator().next());
	}

	private Verdict startedByTollgate(Gate gate, GateAnswers.StartedRun run) {
		UUID id = run.decisionId();
		if (!gate.target().equalsIgnoreCase(run.target())) {
			return Verdict.reject("Tollgate started this run for decision " + id + " on target '" + run.target()
					+ "', not on the gate's target '" + gate.target() + "'.", id, null);
		}
		Optional<DecisionRecord> decision = this.audit.decision(id);
		if (decision.isEmpty()) {
			return Verdict.reject("Decision " + id + " is not in the audit log.", id, null);
		}
		return cleared(decision.get(), "Tollgate started this run for decision " + id);
	}

	private Verdict linkedIssue(Gate gate, String key) {
		Optional<String> status = this.jira.status(key);
		if (status.isEmpty()) {
			return Verdict.reject("Jira knows no issue " + key + " (or Tollgate may not see it).", null, key);
		}
		if (!gate.clearsStatus(status.get())) {
			return Verdict.reject(
					key + " stands in '" + status.get() + "', not in one of " + gate.issueStatuses() + ".", null, key);
		}
		Optional<DecisionRecord> last = this.audit.lastDecisionInto(key, status.get());
		if (last.isEmpty()) {
			return Verdict.reject(
					key + " stands in '" + status.get() + "', but Tollgate decided no move of it into that status.",
					null, key);
		}
		return cleared(last.get(), key + " moved into '" + status.get() + "' by decision " + last.get().decisionId());
	}

	/** A decision's outcome, and its approval request's, as a verdict. */
	private Verdict cleared(DecisionRecord decision, String what) {
		UUID id = decision.decisionId();
		String key = decision.issueKey();
		if (decision.dryRun()) {
			return Verdict.reject(what + ", a dry run: it cleared nothing.", id, key);
		}
		switch (decision.outcome()) {
			case "ALLOWED":
				return Verdict.approve(what + ", which was allowed.", id, key);
			case "PENDING_APPROVAL":
				Optional<ApprovalRequest> request = this.approvals.forDecision(id);
				if (request.isEmpty()) {
					return Verdict.reject(what + ", which awaits an approval that was never opened.", id, key);
				}
				ApprovalRequest approval = request.get();
				ApprovalStatus status = ApprovalStatus.valueOf(approval.status());
				return switch (status) {
					case GRANTED ->
						Verdict.approve(what + ", whose approval request " + approval.id() + " was granted.", id, key);
					case PENDING -> Verdict.waitFor(approval.id(), what + ": waiting for approval request "
							+ approval.id() + " (" + approval.required() + " approval(s) required).", id, key);
					default -> Verdict.reject(what + ", whose approval request " + approval.id() + " was "
							+ status.name().toLowerCase(java.util.Locale.ROOT) + ".", id, key);
				};
			default:
				return Verdict.reject(what + ", which was "
						+ decision.outcome().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ".", id, key);
		}
	}

	private static Set<UUID> decisionIds(GateAsk ask, List<String> texts) {
		Set<UUID> ids = new LinkedHashSet<>();
		if (ask.decisionId() != null) {
			ids.add(ask.decisionId());
		}
		for (String text : texts) {
			Matcher matcher = DECISION_ID.matcher(text);
			while (matcher.find() && ids.size() < MAX_ISSUE_KEYS) {
				ids.add(UUID.fromString(matcher.group()));
			}
		}
		return ids;
	}

	private static Set<String> issueKeys(Gate gate, GateAsk ask, List<String> texts) {
		Set<String> keys = new LinkedHashSet<>();
		Pattern pattern = gate.issueKeys();
		List<String> where = new ArrayList<>();
		if (ask.issueKey() != null) {
			where.add(ask.issueKey());
		}
		where.addAll(texts);
		for (String text : where) {
			// Bounded: the pattern is an admin's, the text the CI system's.
			Matcher matcher = pattern.matcher((text.length() > MAX_TEXT) ? text.substring(0, MAX_TEXT) : text);
			while (matcher.find() && keys.size() < MAX_ISSUE_KEYS) {
				keys.add(matcher.group());
			}
		}
		return keys;
	}

}
