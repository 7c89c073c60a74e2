package dev.tollgate.evaluation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.tollgate.approval.Approvals;
import dev.tollgate.approval.GatedTransition;
import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.jira.CommentProperties;
import dev.tollgate.jira.CommentRequest;
import dev.tollgate.jira.RevertRequest;
import dev.tollgate.job.JobQueue;
import dev.tollgate.pipeline.TriggerRequest;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.Rule;
import dev.tollgate.webhook.JiraEvent;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes decisions in the caller's transaction: each one's {@code DECISION} audit event
 * and its follow-ups (the comment, the revert, the trigger or the approval request). The
 * same writes on both paths, one delivery at a time for an {@code EVALUATE} job
 * ({@link #record}) and a whole ingest batch in one statement per table
 * ({@link #recordAll}); decision ids are the same function of (delivery, rule) on both,
 * and follow-up jobs are keyed by them, so nothing is ever written twice for one
 * decision.
 */
@Component
class DecisionRecords {

	private final AuditLog audit;

	private final JobQueue jobs;

	private final CommentProperties comments;

	private final Approvals approvals;

	private final MeterRegistry registry;

	private final Timer latency;

	DecisionRecords(AuditLog audit, JobQueue jobs, CommentProperties comments, Approvals approvals,
			MeterRegistry registry) {
		this.audit = audit;
		this.jobs = jobs;
		this.comments = comments;
		this.approvals = approvals;
		this.registry = registry;
		this.latency = Timer.builder("tollgate.decision.latency")
			.description("Time from receiving a Jira delivery to its decision")
			.publishPercentileHistogram()
			.register(registry);
		for (Decision.Outcome outcome : Decision.Outcome.values()) {
			decisions(outcome);
		}
	}

	private Counter decisions(Decision.Outcome outcome) {
		return Counter.builder("tollgate.decisions")
			.description("Decisions by outcome")
			.tag("outcome", outcome.name())
			.register(this.registry);
	}

	/**
	 * Stable across retries and across paths: the same delivery and rule always yield the
	 * same id.
	 */
	static UUID decisionId(String evaluationKey, Rule rule) {
		String key = evaluationKey + "|" + ((rule != null) ? rule.id() : "none");
		return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * One delivery's decisions, for an {@code EVALUATE} job: leaving a gated status
	 * before the quorum cancels the open request (first, so a new one can open), then
	 * each decision's writes, one statement each, so its first follow-up can be handed
	 * over to the job's own thread.
	 */
	void record(Evaluated evaluated) {
		JiraEvent event = evaluated.event();
		this.approvals.issueMoved(event.issue().id(), evaluated.transition().fromStatus(),
				evaluated.transition().toStatus());
		for (Decision decision : evaluated.decisions()) {
			long eventId = this.audit.append(auditEvent(evaluated, decision));
			FollowUps followUps = followUps(evaluated, decision, eventId);
			if (followUps.comment() != null) {
				CommentRequest comment = followUps.comment();
				this.jobs.enqueueOrdered(CommentRequest.JOB, comment.dedupKey(), comment, comment.orderingKey());
			}
			if (followUps.revert() != null) {
				this.jobs.enqueue(RevertRequest.JOB, followUps.revert().dedupKey(), followUps.revert());
			}
			if (followUps.trigger() != null) {
				this.jobs.enqueue(TriggerRequest.JOB, followUps.trigger().dedupKey(), followUps.trigger());
			}
			if (followUps.gate() != null) {
				this.approvals.open(decision.rule(), followUps.gate());
			}
		}
		afterCommit(List.of(evaluated));
	}

	/**
	 * A batch's decisions, for ingest: one multi-row statement for all their audit
	 * events, one per kind of follow-up job. The caller has made sure that no issue of
	 * the batch has an open approval request or an expected revert, and that each issue
	 * appears once, so no transition needs the per-issue checks of {@link #record}.
	 * Approval requests, the rare case, are opened one by one, after the comments so that
	 * the issue reads the decision before the request.
	 */
	void recordAll(List<Evaluated> batch) {
		List<AuditEvent> events = new ArrayList<>();
		for (Evaluated evaluated : batch) {
			for (Decision decision : evaluated.decisions()) {
				events.add(auditEvent(evaluated, decision));
			}
		}
		List<Long> eventIds = this.audit.appendAll(events);
		List<JobQueue.OrderedJob<CommentRequest>> comments = new ArrayList<>();
		List<JobQueue.OrderedJob<RevertRequest>> reverts = new ArrayList<>();
		List<JobQueue.OrderedJob<TriggerRequest>> triggers = new ArrayList<>();
		List<Runnable> gates = new ArrayList<>();
		int next = 0;
		for (Evaluated evaluated : batch) {
			for (Decision decision : evaluated.decisions()) {
				FollowUps followUps = followUps(evaluated, decision, eventIds.get(next++));
				CommentRequest comment = followUps.comment();
				if (comment != null) {
					comments.add(new JobQueue.OrderedJob<>(comment.dedupKey(), comment, comment.orderingKey()));
				}
				if (followUps.revert() != null) {
					reverts.add(new JobQueue.OrderedJob<>(followUps.revert().dedupKey(), followUps.revert(), null));
				}
				if (followUps.trigger() != null) {
					triggers.add(new JobQueue.OrderedJob<>(followUps.trigger().dedupKey(), followUps.trigger(), null));
				}
				if (followUps.gate() != null) {
					GatedTransition gate = followUps.gate();
					gates.add(() -> this.approvals.open(decision.rule(), gate));
				}
			}
		}
		this.jobs.enqueueOrdered(CommentRequest.JOB, comments);
		this.jobs.enqueueOrdered(RevertRequest.JOB, reverts);
		this.jobs.enqueueOrdered(TriggerRequest.JOB, triggers);
		gates.forEach(Runnable::run);
		afterCommit(batch);
	}

	private static AuditEvent auditEvent(Evaluated evaluated, Decision decision) {
		JiraEvent event = evaluated.event();
		Rule rule = decision.rule();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("actorRoles", new TreeSet<>(evaluated.roles()));
		details.put("policyVersion", evaluated.policyVersion());
		return AuditEvent.of(AuditEventType.DECISION, decision.reason())
			.outcome(decision.outcome().name())
			.deliveryId(event.deliveryId())
			.issue(event.issue().id(), event.issue().key(), event.issue().projectKey(), event.issue().type())
			.actor(event.actorAccountId())
			.transition(evaluated.transition().fromStatus(), evaluated.transition().toStatus())
			.rule((rule != null) ? rule.id() : null, (rule != null) ? rule.name() : null)
			.target((rule != null) ? rule.target() : null)
			.dryRun(decision.dryRun())
			.decisionId(decisionId(evaluated.evaluationKey(), rule))
			.details(details)
			.build();
	}

	/** What a decision starts besides its audit event; {@code null} where nothing. */
	private record FollowUps(CommentRequest comment, RevertRequest revert, TriggerRequest trigger,
			GatedTransition gate) {
	}

	private FollowUps followUps(Evaluated evaluated, Decision decision, long eventId) {
		JiraEvent event = evaluated.event();
		var transition = evaluated.transition();
		Rule rule = decision.rule();
		UUID decisionId = decisionId(evaluated.evaluationKey(), rule);
		boolean triggers = decision.outcome() == Decision.Outcome.ALLOWED && !decision.dryRun()
				&& rule.target() != null;
		boolean reverts = decision.outcome() == Decision.Outcome.DENIED && !decision.dryRun() && rule.revertOnDeny();
		CommentRequest comment = null;
		// A trigger comments once its run is known (with the link), so the decision
		// itself does not.
		if (rule != null && rule.comment() && this.comments.enabled() && !triggers
				&& (!decision.dryRun() || this.comments.dryRun())) {
			comment = DecisionComments.of(event.issue().key(), eventId, decision, transition, reverts);
		}
		RevertRequest revert = null;
		if (reverts && transition.fromStatus() != null) {
			revert = new RevertRequest(decisionId, event.deliveryId(), event.issue().id(), event.issue().key(),
					event.issue().projectKey(), transition.fromStatus(), transition.toStatus(), rule.name(),
					rule.comment() && this.comments.enabled());
		}
		boolean gated = decision.outcome() == Decision.Outcome.PENDING_APPROVAL && !decision.dryRun();
		TriggerRequest trigger = null;
		GatedTransition gate = null;
		if (triggers) {
			trigger = new TriggerRequest(decisionId, event.deliveryId(), rule.id(), rule.name(), rule.target(),
					event.issue().id(), event.issue().key(), event.issue().projectKey(), event.issue().type(),
					transition.fromStatus(), transition.toStatus(), event.actorAccountId(), rule.comment());
		}
		else if (gated) {
			gate = new GatedTransition(decisionId, event.deliveryId(), event.issue().id(), event.issue().key(),
					event.issue().projectKey(), event.issue().type(), transition.fromStatus(), transition.toStatus(),
					event.actorAccountId());
		}
		return new FollowUps(comment, revert, trigger, gate);
	}

	/** Counts the decisions, and their latency from receipt, once they are committed. */
	private void afterCommit(List<Evaluated> batch) {
		Runnable action = () -> {
			Instant now = Instant.now();
			for (Evaluated evaluated : batch) {
				for (Decision decision : evaluated.decisions()) {
					decisions(decision.outcome()).increment();
					this.latency.record(Duration.between(evaluated.event().receivedAt(), now));
				}
			}
		};
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					action.run();
				}
			});
		}
		else {
			action.run();
		}
	}

}
