package dev.tollgate.evaluation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.tollgate.identity.ActorRoleResolver;
import dev.tollgate.jira.Reverts;
import dev.tollgate.job.JobQueue;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.DecisionEngine;
import dev.tollgate.policy.PolicySnapshot;
import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.Transition;
import dev.tollgate.webhook.IngestDecisions;
import dev.tollgate.webhook.JiraEvent;
import org.springframework.stereotype.Component;

/**
 * Decides at ingest, in the ingest transaction, the transitions whose decision needs
 * nothing from Jira (ADR 0034): no rule matches, or the actor's roles follow from
 * account-id bindings and Jira's cached answers. The policy snapshot is in memory and the
 * engine pure, so such a decision costs its rows only, batched with the deliveries: one
 * statement each for revert markers, approval cancellations, audit events and follow-up
 * jobs, whatever the batch size.
 * <p>
 * Left to the {@code EVALUATE} job, as before: approval commands; transitions whose roles
 * need Jira; and, so that one issue's events are decided in arrival order, an event whose
 * issue an unfinished {@code EVALUATE} job holds, and every event of an issue after its
 * first in the batch (the first may be decided here; the later ones then see what it
 * decided when their job runs, after this commit).
 */
@Component
class IngestDecider implements IngestDecisions {

	private final PolicySnapshots snapshots;

	private final ActorRoleResolver roleResolver;

	private final Reverts reverts;

	private final JobQueue jobs;

	private final DecisionRecorder recorder;

	IngestDecider(PolicySnapshots snapshots, ActorRoleResolver roleResolver, Reverts reverts, JobQueue jobs,
			DecisionRecorder recorder) {
		this.snapshots = snapshots;
		this.roleResolver = roleResolver;
		this.reverts = reverts;
		this.jobs = jobs;
		this.recorder = recorder;
	}

	@Override
	public boolean[] decide(List<Stored> events) {
		boolean[] decided = new boolean[events.size()];
		List<Integer> candidates = firstOfEachIssue(events);
		if (candidates.isEmpty()) {
			return decided;
		}
		Set<String> held = this.jobs.heldKeys(JiraEvent.EVALUATE_JOB,
				candidates.stream().map((i) -> JiraEvent.orderingKeyOf(events.get(i).event().issue().id())).toList());
		candidates.removeIf((i) -> held.contains(JiraEvent.orderingKeyOf(events.get(i).event().issue().id())));
		if (candidates.isEmpty()) {
			return decided;
		}
		PolicySnapshot snapshot = this.snapshots.current();
		List<Transition> transitions = candidates.stream().map((i) -> transition(events.get(i).event())).toList();
		List<Long> ownReverts = this.reverts.pendingAll(candidates.stream().map((i) -> {
			JiraEvent event = events.get(i).event();
			return new Reverts.Seen(event.issue().id(), event.status().from(), event.status().to());
		}).toList());
		List<DecisionRecorder.Decided> batch = new ArrayList<>();
		for (int c = 0; c < candidates.size(); c++) {
			int i = candidates.get(c);
			Stored stored = events.get(i);
			Transition transition = transitions.get(c);
			Long ownRevert = ownReverts.get(c);
			if (ownRevert != null) {
				batch.add(new DecisionRecorder.Decided(stored.evaluationKey(), stored.event(), transition, Set.of(),
						List.of(EvaluateJobHandler.ownRevert()), snapshot.version(), ownRevert));
				decided[i] = true;
				continue;
			}
			Optional<Set<String>> roles = DecisionEngine.anyRuleMatches(transition, snapshot)
					? this.roleResolver.knownRolesOf(snapshot, transition.projectKey(), transition.actorAccountId())
					: Optional.of(Set.of());
			if (roles.isPresent()) {
				List<Decision> decisions = DecisionEngine.decide(transition, roles.get(), snapshot);
				batch.add(new DecisionRecorder.Decided(stored.evaluationKey(), stored.event(), transition, roles.get(),
						decisions, snapshot.version(), null));
				decided[i] = true;
			}
		}
		this.recorder.record(batch);
		return decided;
	}

	/**
	 * The indexes of the events that may be decided here at all: transitions and created
	 * issues, each the first event of its issue in the batch.
	 */
	private static List<Integer> firstOfEachIssue(List<Stored> events) {
		Set<String> issues = new HashSet<>();
		List<Integer> candidates = new ArrayList<>();
		for (int i = 0; i < events.size(); i++) {
			JiraEvent event = events.get(i).event();
			if (issues.add(event.issue().id()) && event.type() != JiraEvent.Type.APPROVAL_COMMAND
					&& event.status() != null) {
				candidates.add(i);
			}
		}
		return candidates;
	}

	static Transition transition(JiraEvent event) {
		return new Transition(event.issue().projectKey(), event.issue().type(), event.status().from(),
				event.status().to(), event.actorAccountId());
	}

}
