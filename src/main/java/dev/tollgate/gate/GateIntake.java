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

	/** A gate and the target it answers through. */
	record Guard(Gate gate, Target target) {
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
			String refusal = this.answers.refusal(guard.target(), ask);
			if (refusal != null) {
				refused = true;
				record(AuditEventType.GATE_REJECTED, "REFUSED", guard, ask, null,
						"Refused to answer: " + refusal + ".");
				this.metrics.counted(ask.provider().name(), "REFUSED");
				continue;
			}
			Instant waitUntil = this.clock.instant().plus(guard.gate().waitFor());
			Optional<Long> id = this.reviews.insert(guard.gate(), guard.target(), ask, waitUntil);
			if (id.isEmpty()) {
				continue;
			}
			queued = true;
			record(AuditEventType.GATE_REQUESTED, "WAITING", guard, ask, id.get(), "A " + ask.provider()
					+ " deployment to '" + ask.environment() + "' asks gate '" + guard.gate().name() + "'.");
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
			.flatMap((gate) -> snapshot.target(gate.target()).map((target) -> new Guard(gate, target)).stream())
			.filter((guard) -> guard.target().kind() == ask.provider())
			.filter((guard) -> ask.scope() != null && ask.scope().equals(this.answers.scope(guard.target())))
			.toList();
	}

	private void record(AuditEventType type, String outcome, Guard guard, GateAsk ask, Long reviewId, String reason) {
		this.events.record(type, outcome, guard.gate(), guard.target().name(), ask, ask.issueKey(), ask.decisionId(),
				reviewId, reason);
	}

}
