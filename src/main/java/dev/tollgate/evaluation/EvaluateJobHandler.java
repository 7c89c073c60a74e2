package dev.tollgate.evaluation;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.tollgate.approval.VoteRequest;
import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.identity.ActorRoleResolver;
import dev.tollgate.jira.CommentProperties;
import dev.tollgate.jira.CommentRequest;
import dev.tollgate.jira.JiraUnavailable;
import dev.tollgate.jira.Reverts;
import dev.tollgate.job.Job;
import dev.tollgate.job.JobHandler;
import dev.tollgate.job.JobOutcome;
import dev.tollgate.job.JobQueue;
import dev.tollgate.job.JobType;
import dev.tollgate.outbound.OutboundRefused;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.DecisionEngine;
import dev.tollgate.policy.PolicySnapshot;
import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.Transition;
import dev.tollgate.webhook.JiraEvent;
import org.springframework.stereotype.Component;

/**
 * The {@code EVALUATE} job: transition → actor roles → decisions, then in ONE transaction
 * the {@code DECISION} audit events and their follow-up jobs ({@link DecisionRecords}).
 * Decision ids are derived from the job's dedup key (the delivery's evaluation key) and
 * the rule, and follow-up jobs are keyed by them, so a retried evaluation never doubles
 * anything. Deliveries that need no Jira look-up are decided at ingest instead
 * ({@link IngestDecider}); only the others come here.
 * <p>
 * The actor's roles may need Jira (groups, project roles). When Jira cannot answer, the
 * job is retried later (honouring {@code Retry-After}); an outage never becomes a denial.
 */
@Component
class EvaluateJobHandler implements JobHandler<JiraEvent> {

	private final AuditLog audit;

	private final PolicySnapshots snapshots;

	private final ActorRoleResolver roleResolver;

	private final JobQueue jobs;

	private final Reverts reverts;

	private final CommentProperties comments;

	private final DecisionRecords records;

	EvaluateJobHandler(AuditLog audit, PolicySnapshots snapshots, ActorRoleResolver roleResolver, JobQueue jobs,
			Reverts reverts, CommentProperties comments, DecisionRecords records) {
		this.reverts = reverts;
		this.comments = comments;
		this.audit = audit;
		this.snapshots = snapshots;
		this.roleResolver = roleResolver;
		this.jobs = jobs;
		this.records = records;
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
		Transition transition = Evaluated.transition(event);
		Optional<Long> ownRevert = this.reverts.pending(event.issue().id(), transition.fromStatus(),
				transition.toStatus());
		if (ownRevert.isPresent()) {
			Decision revert = new Decision(Decision.Outcome.IGNORED, null, false,
					"This transition is Tollgate's own revert of a denied transition.");
			return JobOutcome.done(() -> {
				this.reverts.consume(ownRevert.get());
				this.records.record(new Evaluated(job.dedupKey(), event, transition, Set.of(), List.of(revert),
						snapshot.version()));
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
		return JobOutcome.done(() -> this.records
			.record(new Evaluated(job.dedupKey(), event, transition, roles, decisions, snapshot.version())));
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
			.decisionId(DecisionRecords.decisionId(job.dedupKey(), null))
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

}
