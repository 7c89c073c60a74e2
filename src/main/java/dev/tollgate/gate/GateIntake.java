package dev.tollgate.gate;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.tollgate.audit.AuditEventType;
import dev.tollgate.job.JobQueue;
import dev.tollgate.pipeline.DeploymentGates;
import dev.tollgate.pipeline.GateAnswers;
import dev.tollgate.pipeline.GateAsk;
import dev.tollgate.policy.Gate;
import dev.tollgate.policy.PolicySnapshot;
import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.Target;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Turns a CI system's question into reviews: one per enabled gate that guards the
 * environment on a target of the run's home, each with its job and its deadline job, in
 * the transaction that records it, so a question acknowledged is never lost.
 */
@Service
class GateIntake implements DeploymentGates {

	private final PolicySnapshots snapshots;

	private final GateAnswers answers;

	private final GateReviews reviews;

	private final JobQueue jobs;

	private final GateEvents events;

	private final GateMetrics metrics;

	private final Clock clock;

	GateIntake(PolicySnapshots snapshots, GateAnswers answers, GateReviews reviews, JobQueue jobs, GateEvents events,
			GateMetrics metrics) {
		this.snapshots = snapshots;
		this.answers = answers;
		this.reviews = reviews;
		this.jobs = jobs;
		this.events = events;
		this.metrics = metrics;
		this.clock = Clock.systemUTC();
	}

	/**
	 * A gate, the target it answers through, and the question as asked of that target
	 * (see {@link GateAnswers#askedOf}).
	 */
	record Guard(Gate gate, Target target, GateAsk ask) {
	}

	@Override
	@Transactional
	public Intake asked(GateAsk ask) {
		List<Guard> guards = guards(this.snapshots.current(), ask);
		if (guards.isEmpty()) {
			return Intake.IGNORED;
		}
		boolean queued = false;
		boolean refused = false;
		for (Guard guard : guards) {
			// The question under the target's name for its home.
			GateAsk own = guard.ask();
			String refusal = this.answers.refusal(guard.target(), own);
			if (refusal != null) {
				refused = true;
				record(AuditEventType.GATE_REJECTED, "REFUSED", guard, own, null,
						"Refused to answer: " + refusal + ".");
				this.metrics.counted(own.provider().name(), "REFUSED");
				continue;
			}
			Instant waitUntil = this.clock.instant().plus(guard.gate().waitFor());
			Optional<Long> id = this.reviews.insert(guard.gate(), guard.target(), own, waitUntil);
			if (id.isEmpty()) {
				continue;
			}
			queued = true;
			record(AuditEventType.GATE_REQUESTED, "WAITING", guard, own, id.get(), "A " + own.provider()
					+ " deployment to '" + own.environment() + "' asks gate '" + guard.gate().name() + "'.");
			GateReviewJob job = new GateReviewJob(id.get());
			this.jobs.enqueue(GateReviewJob.JOB, GateReviewJob.dedupKey(id.get(), "asked"), job);
			this.jobs.enqueue(GateReviewJob.JOB, GateReviewJob.dedupKey(id.get(), "deadline"), job, waitUntil);
		}
		if (queued) {
			return Intake.QUEUED;
		}
		return refused ? Intake.REFUSED : Intake.DUPLICATE;
	}

	/** The enabled gates on the environment of a target whose home is the run's. */
	List<Guard> guards(PolicySnapshot snapshot, GateAsk ask) {
		return snapshot.gates()
			.stream()
			.filter(Gate::enabled)
			.filter((gate) -> gate.guards(ask.environment()))
			.flatMap((gate) -> snapshot.target(gate.target())
				.filter((target) -> target.kind() == ask.provider())
				.map((target) -> new Guard(gate, target, this.answers.askedOf(target, ask)))
				.stream())
			.filter((guard) -> guard.ask() != null)
			.toList();
	}

	private void record(AuditEventType type, String outcome, Guard guard, GateAsk ask, Long reviewId, String reason) {
		this.events.record(type, outcome, guard.gate(), guard.target().name(), ask, ask.issueKey(), ask.decisionId(),
				reviewId, reason);
	}

}
