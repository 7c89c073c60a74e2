package dev.tollgate.gate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.jira.CommentRequest;
import dev.tollgate.job.JobQueue;
import dev.tollgate.pipeline.GateAsk;
import dev.tollgate.policy.Gate;

import org.springframework.stereotype.Component;

/**
 * The audit events of a review ({@code GATE_REQUESTED}, {@code GATE_APPROVED},
 * {@code GATE_REJECTED}), each mirrored as a comment on the linked issue when the gate
 * wants comments and the issue is known. Joins the caller's transaction.
 */
@Component
class GateEvents {

	private final AuditLog audit;

	private final JobQueue jobs;

	GateEvents(AuditLog audit, JobQueue jobs) {
		this.audit = audit;
		this.jobs = jobs;
	}

	void record(AuditEventType type, String outcome, Gate gate, String target, GateAsk ask, String issueKey,
			UUID decisionId, Long reviewId, String reason) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("gate", gate.name());
		details.put("provider", ask.provider().name());
		details.put("environment", ask.environment());
		if (reviewId != null) {
			details.put("reviewId", reviewId);
		}
		String projectKey = (issueKey != null && issueKey.contains("-"))
				? issueKey.substring(0, issueKey.lastIndexOf('-')) : null;
		long eventId = this.audit.append(AuditEvent.of(type, reason)
			.outcome(outcome)
			.issue(null, issueKey, projectKey, null)
			.target(target)
			.runUrl(ask.runUrl())
			.decisionId(decisionId)
			.dryRun(gate.dryRun())
			.details(details)
			.build());
		if (gate.comment() && issueKey != null) {
			String headline = switch (type) {
				case GATE_APPROVED -> "DEPLOYMENT APPROVED";
				case GATE_REJECTED -> "DEPLOYMENT REJECTED";
				default -> "DEPLOYMENT WAITING";
			};
			// No link to the run: its URL came from the CI system's request; the audit
			// event keeps it.
			CommentRequest comment = CommentRequest.on(issueKey, eventId)
				.strong(headline + (gate.dryRun() ? " (dry run)" : ""))
				.text(" at gate " + gate.name() + " (" + ask.provider() + ", environment " + ask.environment() + "): "
						+ reason)
				.build();
			this.jobs.enqueueOrdered(CommentRequest.JOB, comment.dedupKey(), comment, comment.orderingKey());
		}
	}

}
