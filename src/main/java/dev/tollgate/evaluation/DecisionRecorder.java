package dev.tollgate.evaluation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import dev.tollgate.jira.Reverts;
import dev.tollgate.job.JobQueue;
import dev.tollgate.pipeline.TriggerRequest;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.Rule;
import dev.tollgate.policy.Transition;
import dev.tollgate.webhook.JiraEvent;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Records decisions, joining the caller's transaction: the {@code DECISION} audit events,
 * what the moves cancel (approval requests gated on the status left, Tollgate's own
 * revert markers) and the follow-up jobs (trigger, comment, revert, approval request).
 * The one place that does it, for a batch decided at ingest ({@link IngestDecider}) and
 * for one event decided by its {@code EVALUATE} job ({@link EvaluateJobHandler}), with
 * one statement per kind of row for the whole batch.
 */
@Component
class DecisionRecorder {

	private final AuditLog audit;

	private final JobQueue jobs;

	private final Reverts reverts;

	private final CommentProperties comments;

	private final Approvals approvals;

	private final MeterRegistry registry;

	private final Timer latency;

	DecisionRecorder(AuditLog audit, JobQueue jobs, Reverts reverts, CommentProperties comments, Approvals approvals,
			MeterRegistry registry) {
		this.audit = audit;
		this.jobs = jobs;
		this.reverts = reverts;
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

	/**
	 * The decisions about one event.
	 *
	 * @param evaluationKey the dedup key of the event's {@code EVALUATE} job (whether or
	 * not it has one): decision ids derive from it
	 * @param ownRevert the revert marker this transition is (consumed here), or
	 * {@code null}
	 */
	record Decided(String evaluationKey, JiraEvent event, Transition transition, Set<String> roles,
			List<Decision> decisions, long policyVersion, Long ownRevert) {
	}

	/** Records the decisions, in list order; at most one event per issue. */
	void record(List<Decided> batch) {
		if (batch.isEmpty()) {
			return;
		}
		this.reverts.consumeAll(batch.stream().map(Decided::ownRevert).filter((id) -> id != null).toList());
		// Leaving a gated status before the quorum cancels the open request (first, so
		// a new one can open).
		this.approvals.issuesMoved(batch.stream()
			.map((decided) -> new Approvals.Move(decided.event().issue().id(), decided.transition().fromStatus(),
					decided.transition().toStatus()))
			.toList());
		List<AuditEvent> events = new ArrayList<>();
		for (Decided decided : batch) {
			for (Decision decision : decided.decisions()) {
				events.add(auditEvent(decided, decision));
			}
		}
		List<Long> eventIds = this.audit.appendAll(events);
		List<JobQueue.OrderedJob<CommentRequest>> commentJobs = new ArrayList<>();
		List<JobQueue.OrderedJob<RevertRequest>> revertJobs = new ArrayList<>();
		List<JobQueue.OrderedJob<TriggerRequest>> triggerJobs = new ArrayList<>();
		List<Runnable> gates = new ArrayList<>();
		int next = 0;
		for (Decided decided : batch) {
			for (Decision decision : decided.decisions()) {
				followUps(decided, decision, eventIds.get(next++), commentJobs, revertJobs, triggerJobs, gates);
			}
		}
		this.jobs.enqueueAll(CommentRequest.JOB, commentJobs);
		this.jobs.enqueueAll(RevertRequest.JOB, revertJobs);
		this.jobs.enqueueAll(TriggerRequest.JOB, triggerJobs);
		gates.forEach(Runnable::run);
		afterCommit(() -> {
			Instant now = Instant.now();
			for (Decided decided : batch) {
				for (Decision decision : decided.decisions()) {
					decisions(decision.outcome()).increment();
					this.latency.record(Duration.between(decided.event().receivedAt(), now));
				}
			}
		});
	}

	private static AuditEvent auditEvent(Decided decided, Decision decision) {
		JiraEvent event = decided.event();
		Transition transition = decided.transition();
		Rule rule = decision.rule();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("actorRoles", new TreeSet<>(decided.roles()));
		details.put("policyVersion", decided.policyVersion());
		return AuditEvent.of(AuditEventType.DECISION, decision.reason())
			.outcome(decision.outcome().name())
			.deliveryId(event.deliveryId())
			.issue(event.issue().id(), event.issue().key(), event.issue().projectKey(), event.issue().type())
			.actor(event.actorAccountId())
			.transition(transition.fromStatus(), transition.toStatus())
			.rule((rule != null) ? rule.id() : null, (rule != null) ? rule.name() : null)
			.target((rule != null) ? rule.target() : null)
			.dryRun(decision.dryRun())
			.decisionId(decisionId(decided.evaluationKey(), rule))
			.details(details)
			.build();
	}

	private void followUps(Decided decided, Decision decision, long eventId,
			List<JobQueue.OrderedJob<CommentRequest>> commentJobs, List<JobQueue.OrderedJob<RevertRequest>> revertJobs,
			List<JobQueue.OrderedJob<TriggerRequest>> triggerJobs, List<Runnable> gates) {
		JiraEvent event = decided.event();
		Transition transition = decided.transition();
		Rule rule = decision.rule();
		UUID decisionId = decisionId(decided.evaluationKey(), rule);
		boolean triggers = decision.outcome() == Decision.Outcome.ALLOWED && !decision.dryRun()
				&& rule.target() != null;
		boolean reverting = decision.outcome() == Decision.Outcome.DENIED && !decision.dryRun() && rule.revertOnDeny();
		// A trigger comments once its run is known (with the link), so the decision
		// itself does not.
		if (rule != null && rule.comment() && this.comments.enabled() && !triggers
				&& (!decision.dryRun() || this.comments.dryRun())) {
			CommentRequest comment = DecisionComments.of(event.issue().key(), eventId, decision, transition, reverting);
			commentJobs.add(new JobQueue.OrderedJob<>(comment.dedupKey(), comment, comment.orderingKey()));
		}
		if (reverting && transition.fromStatus() != null) {
			RevertRequest revert = new RevertRequest(decisionId, event.deliveryId(), event.issue().id(),
					event.issue().key(), event.issue().projectKey(), transition.fromStatus(), transition.toStatus(),
					rule.name(), rule.comment() && this.comments.enabled());
			revertJobs.add(new JobQueue.OrderedJob<>(revert.dedupKey(), revert, null));
		}
		if (triggers) {
			TriggerRequest trigger = new TriggerRequest(decisionId, event.deliveryId(), rule.id(), rule.name(),
					rule.target(), event.issue().id(), event.issue().key(), event.issue().projectKey(),
					event.issue().type(), transition.fromStatus(), transition.toStatus(), event.actorAccountId(),
					rule.comment());
			triggerJobs.add(new JobQueue.OrderedJob<>(trigger.dedupKey(), trigger, null));
		}
		else if (decision.outcome() == Decision.Outcome.PENDING_APPROVAL && !decision.dryRun()) {
			GatedTransition gated = new GatedTransition(decisionId, event.deliveryId(), event.issue().id(),
					event.issue().key(), event.issue().projectKey(), event.issue().type(), transition.fromStatus(),
					transition.toStatus(), event.actorAccountId());
			gates.add(() -> this.approvals.open(rule, gated));
		}
	}

	private Counter decisions(Decision.Outcome outcome) {
		return Counter.builder("tollgate.decisions")
			.description("Decisions by outcome")
			.tag("outcome", outcome.name())
			.register(this.registry);
	}

	/**
	 * Stable across retries and replays of the same delivery, and the same whichever path
	 * decides it: derived from the key of its {@code EVALUATE} job (which names the
	 * stored delivery row) and the rule.
	 */
	static UUID decisionId(String evaluationKey, Rule rule) {
		String key = evaluationKey + "|" + ((rule != null) ? rule.id() : "none");
		return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
	}

	private static void afterCommit(Runnable action) {
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
