package dev.tollgate.evaluation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.tollgate.approval.Approvals;
import dev.tollgate.identity.ActorRoleResolver;
import dev.tollgate.jira.Reverts;
import dev.tollgate.job.JobQueue;
import dev.tollgate.policy.DecisionEngine;
import dev.tollgate.policy.PolicySnapshot;
import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.Transition;
import dev.tollgate.webhook.IngestDecisions;
import dev.tollgate.webhook.JiraEvent;
import org.springframework.stereotype.Component;

/**
 * Decides at ingest, in the delivery's own transaction, what needs nothing but memory:
 * the policy snapshot, and the actor's roles from USER bindings or cached Jira answers. A
 * transition is left to its {@code EVALUATE} job, which decides it exactly as before,
 * when
 * <ul>
 * <li>it is an approval command (a vote, not a decision), or Jira would have to be
 * asked;</li>
 * <li>an earlier event of its issue is in the same batch (the later one must see what the
 * earlier one decided), or still waits for its evaluation in the job queue;</li>
 * <li>its issue has an open approval request (the transition may cancel it) or an
 * expected revert (the transition may be Tollgate's own): rare cases the job handles one
 * at a time.</li>
 * </ul>
 * Those checks are three statements per batch, whatever its size; the decisions are
 * written with one statement per table ({@link DecisionRecords#recordAll}).
 */
@Component
class IngestDecider implements IngestDecisions {

	private final PolicySnapshots snapshots;

	private final ActorRoleResolver roleResolver;

	private final JobQueue jobs;

	private final Approvals approvals;

	private final Reverts reverts;

	private final DecisionRecords records;

	IngestDecider(PolicySnapshots snapshots, ActorRoleResolver roleResolver, JobQueue jobs, Approvals approvals,
			Reverts reverts, DecisionRecords records) {
		this.snapshots = snapshots;
		this.roleResolver = roleResolver;
		this.jobs = jobs;
		this.approvals = approvals;
		this.reverts = reverts;
		this.records = records;
	}

	@Override
	public Set<String> decide(List<StoredEvent> events) {
		PolicySnapshot snapshot = this.snapshots.current();
		Set<String> issuesSeen = new HashSet<>();
		List<Candidate> candidates = new ArrayList<>();
		for (StoredEvent stored : events) {
			JiraEvent event = stored.event();
			// Only an issue's first event of the batch: a later one is evaluated after
			// this transaction committed, so it sees what the earlier one decided.
			if (!issuesSeen.add(stored.orderingKey()) || event.type() == JiraEvent.Type.APPROVAL_COMMAND) {
				continue;
			}
			Transition transition = Evaluated.transition(event);
			Optional<Set<String>> roles = DecisionEngine.anyRuleMatches(transition, snapshot)
					? this.roleResolver.cachedRolesOf(snapshot, transition.projectKey(), transition.actorAccountId())
					: Optional.of(Set.of());
			if (roles.isPresent()) {
				candidates.add(new Candidate(stored, new Evaluated(stored.evaluationKey(), event, transition,
						roles.get(), DecisionEngine.decide(transition, roles.get(), snapshot), snapshot.version())));
			}
		}
		if (candidates.isEmpty()) {
			return Set.of();
		}
		Set<String> waiting = this.jobs.unfinished(candidates.stream().map((c) -> c.stored().orderingKey()).toList());
		List<String> issueIds = candidates.stream().map((c) -> c.stored().event().issue().id()).toList();
		Set<String> gated = this.approvals.pendingOn(issueIds);
		Set<String> reverting = this.reverts.pendingOn(candidates.stream()
			.filter((c) -> c.evaluated().transition().fromStatus() != null
					&& c.evaluated().transition().toStatus() != null)
			.map((c) -> c.stored().event().issue().id())
			.toList());
		List<Evaluated> decided = new ArrayList<>();
		Set<String> keys = new HashSet<>();
		for (Candidate candidate : candidates) {
			String issueId = candidate.stored().event().issue().id();
			if (!waiting.contains(candidate.stored().orderingKey()) && !gated.contains(issueId)
					&& !reverting.contains(issueId)) {
				decided.add(candidate.evaluated());
				keys.add(candidate.stored().evaluationKey());
			}
		}
		if (!decided.isEmpty()) {
			this.records.recordAll(decided);
		}
		return keys;
	}

	private record Candidate(StoredEvent stored, Evaluated evaluated) {
	}

}
