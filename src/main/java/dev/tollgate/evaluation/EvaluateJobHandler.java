package dev.tollgate.evaluation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tollgate.approval.Approvals;
import dev.tollgate.approval.GatedTransition;
import dev.tollgate.approval.VoteRequest;
import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.identity.ActorRoleResolver;
import dev.tollgate.jira.CommentProperties;
import dev.tollgate.jira.CommentRequest;
import dev.tollgate.jira.JiraUnavailable;
import dev.tollgate.jira.RevertRequest;
import dev.tollgate.jira.Reverts;
import dev.tollgate.job.Job;
import dev.tollgate.job.JobHandler;
import dev.tollgate.job.JobOutcome;
import dev.tollgate.job.JobQueue;
import dev.tollgate.job.JobType;
import dev.tollgate.outbound.OutboundRefused;
import dev.tollgate.pipeline.TriggerRequest;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.DecisionEngine;
import dev.tollgate.policy.PolicySnapshot;
import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.Rule;
import dev.tollgate.policy.Transition;
import dev.tollgate.webhook.JiraEvent;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The {@code EVALUATE} job: transition → actor roles → decisions, then in ONE transaction
 * the {@code DECISION} audit events and their follow-up jobs. Decision ids are derived
 * from the job and the rule, and follow-up jobs are keyed by them, so a retried
 * evaluation never doubles anything.
 * <p>
 * The actor's roles may need Jira (groups, project roles). When Jira cannot answer, the
 * job is retried later (honouring {@code Retry-After}); an outage never becomes a denial.
 */
@Component
class EvaluateJobHandler implements JobHandler<JiraEvent> {

	private static final Logger log = LoggerFactory.getLogger(EvaluateJobHandler.class);

	private final AuditLog audit;

	private final PolicySnapshots snapshots;

	private final ActorRoleResolver roleResolver;

	private final JobQueue jobs;

	private final MeterRegistry registry;

	private final Timer latency;

	private final Reverts reverts;

	private final CommentProperties comments;

	private final Approvals approvals;

	EvaluateJobHandler(AuditLog audit, PolicySnapshots snapshots, ActorRoleResolver roleResolver, JobQueue jobs,
			MeterRegistry registry, Reverts reverts, CommentProperties comments, Approvals approvals) {
		this.approvals = approvals;
		this.reverts = reverts;
		this.comments = comments;
		this.audit = audit;
		this.snapshots = snapshots;
		this.roleResolver = roleResolver;
		this.jobs = jobs;
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

	@Override
	public JobType<JiraEvent> type() {
		return JiraEvent.EVALUATE_JOB;
	}

	@Override
	public JobOutcome handle(Job job, JiraEvent event) {
		if (event.type() == JiraEvent.Type.APPROVAL_COMMAND) {
			VoteRequest vote = VoteRequest.fromComment(event.issue().id(), event.issue().key(),
					event.issue().projectKey(), event.actorAccountId(), event.comment().id(),
					event.comment().approves(), event.comment().reason());
			return JobOutcome.done(() -> this.jobs.enqueue(VoteRequest.JOB, vote.dedupKey(), vote));
		}
		PolicySnapshot snapshot = this.snapshots.current();
		Transition transition = new Transition(event.issue().projectKey(), event.issue().type(), event.status().from(),
				event.status().to(), event.actorAccountId());
		Optional<Long> ownRevert = this.reverts.pending(event.issue().id(), transition.fromStatus(),
				transition.toStatus());
		if (ownRevert.isPresent()) {
			Decision revert = new Decision(Decision.Outcome.IGNORED, null, false,
					"This transition is Tollgate's own revert of a denied transition.");
			return JobOutcome.done(() -> {
				this.reverts.consume(ownRevert.get());
				record(job, event, transition, Set.of(), List.of(revert), snapshot.version());
			});
		}
		Set<String> roles;
		try {
			roles = DecisionEngine.anyRuleMatches(transition, snapshot)
					? this.roleResolver.rolesOf(snapshot, transition.projectKey(), transition.actorAccountId())
					: Set.of();
		}
		catch (JiraUnavailable ex) {
			return JobOutcome.retryLater("Actor roles unknown: " + ex.getMessage(), ex.retryAfter());
		}
		catch (OutboundRefused ex) {
			return JobOutcome.retryLater("Actor roles unknown: " + ex.getMessage(), null);
		}
		List<Decision> decisions = DecisionEngine.decide(transition, roles, snapshot);
		return JobOutcome.done(() -> record(job, event, transition, roles, decisions, snapshot.version()));
	}

	private void record(Job job, JiraEvent event, Transition transition, Set<String> roles, List<Decision> decisions,
			long policyVersion) {
		// Leaving a gated status before the quorum cancels the open request (first, so a
		// new one can open).
		this.approvals.issueMoved(event.issue().id(), transition.fromStatus(), transition.toStatus());
		for (Decision decision : decisions) {
			Rule rule = decision.rule();
			UUID decisionId = decisionId(job, rule);
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("actorRoles", new TreeSet<>(roles));
			details.put("policyVersion", policyVersion);
			long eventId = this.audit.append(AuditEvent.of(AuditEventType.DECISION, decision.reason())
				.outcome(decision.outcome().name())
				.deliveryId(event.deliveryId())
				.issue(event.issue().id(), event.issue().key(), event.issue().projectKey(), event.issue().type())
				.actor(event.actorAccountId())
				.transition(transition.fromStatus(), transition.toStatus())
				.rule((rule != null) ? rule.id() : null, (rule != null) ? rule.name() : null)
				.target((rule != null) ? rule.target() : null)
				.dryRun(decision.dryRun())
				.decisionId(decisionId)
				.details(details)
				.build());
			boolean triggers = decision.outcome() == Decision.Outcome.ALLOWED && !decision.dryRun()
					&& rule.target() != null;
			boolean reverts = decision.outcome() == Decision.Outcome.DENIED && !decision.dryRun()
					&& rule.revertOnDeny();
			// A trigger comments once its run is known (with the link), so the decision
			// itself does not.
			if (rule != null && rule.comment() && this.comments.enabled() && !triggers
					&& (!decision.dryRun() || this.comments.dryRun())) {
				CommentRequest comment = DecisionComments.of(event.issue().key(), eventId, decision, transition,
						reverts);
				this.jobs.enqueueOrdered(CommentRequest.JOB, comment.dedupKey(), comment, comment.orderingKey());
			}
			if (reverts && transition.fromStatus() != null) {
				RevertRequest revert = new RevertRequest(decisionId, event.deliveryId(), event.issue().id(),
						event.issue().key(), event.issue().projectKey(), transition.fromStatus(), transition.toStatus(),
						rule.name(), rule.comment() && this.comments.enabled());
				this.jobs.enqueue(RevertRequest.JOB, revert.dedupKey(), revert);
			}
			boolean gated = decision.outcome() == Decision.Outcome.PENDING_APPROVAL && !decision.dryRun();
			if (triggers || gated) {
				TriggerRequest trigger = new TriggerRequest(decisionId, event.deliveryId(), rule.id(), rule.name(),
						rule.target(), event.issue().id(), event.issue().key(), event.issue().projectKey(),
						event.issue().type(), transition.fromStatus(), transition.toStatus(), event.actorAccountId(),
						rule.comment());
				if (triggers) {
					this.jobs.enqueue(TriggerRequest.JOB, trigger.dedupKey(), trigger);
				}
				else {
					this.approvals.open(rule,
							new GatedTransition(decisionId, event.deliveryId(), event.issue().id(), event.issue().key(),
									event.issue().projectKey(), event.issue().type(), transition.fromStatus(),
									transition.toStatus(), event.actorAccountId()));
				}
			}
		}
		afterCommit(() -> decisions.forEach((decision) -> {
			decisions(decision.outcome()).increment();
			this.latency.record(Duration.between(event.receivedAt(), Instant.now()));
		}));
	}

	/**
	 * An evaluation that could not be completed (Jira unreachable for all attempts, say)
	 * is still visible: an {@code ERROR} decision in the audit log and on the issue.
	 */
	@Override
	public void buried(Job job, JiraEvent event, String reason) {
		String from = (event.status() != null) ? event.status().from() : null;
		String to = (event.status() != null) ? event.status().to() : null;
		long eventId = this.audit.append(AuditEvent
			.of(AuditEventType.DECISION,
					"Tollgate could not evaluate this "
							+ ((event.type() == JiraEvent.Type.APPROVAL_COMMAND) ? "vote" : "transition")
							+ " and gave up: " + reason + " Nothing was started.")
			.outcome(Decision.Outcome.ERROR.name())
			.deliveryId(event.deliveryId())
			.issue(event.issue().id(), event.issue().key(), event.issue().projectKey(), event.issue().type())
			.actor(event.actorAccountId())
			.transition(from, to)
			.decisionId(decisionId(job, null))
			.build());
		if (this.comments.enabled()) {
			CommentRequest comment = CommentRequest.on(event.issue().key(), eventId)
				.strong("ERROR")
				.text(": Tollgate could not evaluate this change (" + reason
						+ "). Nothing was started; operators can see the dead job and retry it.")
				.build();
			this.jobs.enqueueOrdered(CommentRequest.JOB, comment.dedupKey(), comment, comment.orderingKey());
		}
	}

	/**
	 * Stable across retries of the same job: the same evaluation always yields the same
	 * ids.
	 */
	static UUID decisionId(Job job, Rule rule) {
		String key = job.dedupKey() + "|" + ((rule != null) ? rule.id() : "none");
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
