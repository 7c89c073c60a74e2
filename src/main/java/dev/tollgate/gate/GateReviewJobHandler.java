package dev.tollgate.gate;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import dev.tollgate.approval.ApprovalStatus;
import dev.tollgate.approval.Approvals;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.jira.JiraUnavailable;
import dev.tollgate.job.Job;
import dev.tollgate.job.JobHandler;
import dev.tollgate.job.JobOutcome;
import dev.tollgate.job.JobQueue;
import dev.tollgate.job.JobType;
import dev.tollgate.pipeline.GateAnswers;
import dev.tollgate.pipeline.GateAsk;
import dev.tollgate.policy.Gate;
import dev.tollgate.policy.PolicySnapshot;
import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decides a review and tells the CI system. The verdict is committed before the CI system
 * is told, and a later run of the job (a retry, a wake-up, the deadline) only repeats a
 * verdict once made: the answer is given at least once and never changes. A CI system
 * that is down gets it when it is back (retries with backoff, then a dead letter like
 * every job).
 */
@Component
class GateReviewJobHandler implements JobHandler<GateReviewJob> {

	private static final Logger log = LoggerFactory.getLogger(GateReviewJobHandler.class);

	private final GateReviews reviews;

	private final Clearance clearance;

	private final GateAnswers answers;

	private final PolicySnapshots snapshots;

	private final Approvals approvals;

	private final GateEvents events;

	private final JobQueue jobs;

	private final GateMetrics metrics;

	private final TransactionTemplate transaction;

	private final Clock clock = Clock.systemUTC();

	GateReviewJobHandler(GateReviews reviews, Clearance clearance, GateAnswers answers, PolicySnapshots snapshots,
			Approvals approvals, GateEvents events, JobQueue jobs, GateMetrics metrics,
			PlatformTransactionManager transactions) {
		this.reviews = reviews;
		this.clearance = clearance;
		this.answers = answers;
		this.snapshots = snapshots;
		this.approvals = approvals;
		this.events = events;
		this.jobs = jobs;
		this.metrics = metrics;
		this.transaction = new TransactionTemplate(transactions);
	}

	@Override
	public JobType<GateReviewJob> type() {
		return GateReviewJob.JOB;
	}

	@Override
	public JobOutcome handle(Job job, GateReviewJob payload) {
		Optional<GateReviews.Stored> found = this.reviews.find(payload.reviewId());
		if (found.isEmpty() || found.get().review().answered()) {
			return JobOutcome.done();
		}
		GateReviews.Stored review = found.get();
		PolicySnapshot snapshot = this.snapshots.current();
		Optional<Target> target = snapshot.target(review.review().target());
		if (target.isEmpty()) {
			return JobOutcome.failed("The target '" + review.review().target()
					+ "' was deleted; the CI system cannot be answered and rejects the deployment when it times out.");
		}
		String gateName = review.review().gate();
		Gate gate = snapshot.gates()
			.stream()
			.filter((g) -> g.name().equalsIgnoreCase(gateName))
			.findFirst()
			.orElse(null);
		try {
			if (review.waiting()) {
				Clearance.Verdict verdict = (gate != null) ? this.clearance.of(gate, target.get(), review.ask())
						: Clearance.Verdict.reject("The gate '" + review.review().gate() + "' was deleted.", null,
								null);
				Instant now = this.clock.instant();
				if (verdict.waits() && now.isBefore(review.review().waitUntil()) && !gate.dryRun()) {
					return waiting(gate, target.get(), review, verdict);
				}
				if (verdict.waits()) {
					verdict = Clearance.Verdict.reject(
							verdict.reason() + " Waited " + gate.waitFor() + ", the gate's waitFor, without an answer.",
							verdict.decisionId(), verdict.issueKey());
				}
				decide(gate, target.get(), review, verdict);
				review = this.reviews.find(review.id()).orElseThrow();
			}
			boolean approved = GateReview.Status.APPROVED.name().equals(review.review().status());
			this.answers.answer(target.get(), gate, review.ask(), approved, comment(review.review()));
		}
		catch (GateAnswers.Unanswered ex) {
			return ex.permanent() ? JobOutcome.failed(ex.getMessage())
					: JobOutcome.retryLater(ex.getMessage(), ex.retryAfter());
		}
		catch (JiraUnavailable ex) {
			return JobOutcome.retryLater("Jira could not say where the issue stands: " + ex.getMessage(), null);
		}
		long id = review.id();
		return JobOutcome.done(() -> this.reviews.answered(id));
	}

	/**
	 * Records what the review waits for; if the approval closed meanwhile, looks again at
	 * once. Reading the request's status under a share lock closes the race with a
	 * transaction that closes it: either that one sees this review waiting, or this one
	 * sees it closed.
	 */
	private JobOutcome waiting(Gate gate, Target target, GateReviews.Stored review, Clearance.Verdict verdict) {
		long id = review.id();
		long approval = verdict.approvalRequestId();
		this.transaction.executeWithoutResult((status) -> {
			this.reviews.waiting(id, approval, verdict.decisionId(), verdict.issueKey(), verdict.reason());
			if (this.approvals.lockedStatus(approval).orElse(ApprovalStatus.PENDING) != ApprovalStatus.PENDING) {
				this.jobs.enqueue(GateReviewJob.JOB, GateReviewJob.dedupKey(id, "closed:" + approval),
						new GateReviewJob(id));
			}
		});
		if (review.noted()) {
			return JobOutcome.done();
		}
		try {
			this.answers.note(target, review.ask(), "Tollgate: " + verdict.reason());
		}
		catch (GateAnswers.Unanswered ex) {
			// A note only informs; the answer that matters comes later.
			log.info("Gate {}: the waiting note could not be posted: {}", gate.name(), ex.getMessage());
		}
		GateAsk ask = review.ask();
		return JobOutcome.done(() -> {
			this.reviews.noted(id);
			this.events.record(AuditEventType.GATE_REQUESTED, "WAITING", gate, target.name(), ask, verdict.issueKey(),
					verdict.decisionId(), id, verdict.reason());
		});
	}

	private void decide(Gate gate, Target target, GateReviews.Stored review, Clearance.Verdict verdict) {
		boolean dryRun = gate != null && gate.dryRun();
		GateReview.Status status = dryRun ? GateReview.Status.APPROVED : verdict.status();
		String reason = dryRun ? "Dry run: would have " + ((verdict.status() == GateReview.Status.APPROVED) ? "approved"
				: (verdict.waits() ? "waited" : "rejected")) + ". " + verdict.reason() : verdict.reason();
		GateAsk ask = review.ask();
		this.transaction.executeWithoutResult((tx) -> {
			if (!this.reviews.decide(review.id(), status, reason, verdict.decisionId(), verdict.issueKey())) {
				return;
			}
			AuditEventType type = (status == GateReview.Status.APPROVED) ? AuditEventType.GATE_APPROVED
					: AuditEventType.GATE_REJECTED;
			Gate recorded = (gate != null) ? gate : new Gate(review.review().gate(), target.name(), ask.environment(),
					null, null, null, null, false, null, null);
			this.events.record(type, status.name(), recorded, target.name(), ask, verdict.issueKey(),
					verdict.decisionId(), review.id(), reason);
			this.metrics.counted(ask.provider().name(), status.name());
		});
	}

	/** What the CI system shows beside the answer. */
	private static String comment(GateReview review) {
		String reason = (review.reason() != null) ? review.reason() : "";
		return "Tollgate " + review.status().toLowerCase(java.util.Locale.ROOT) + " this deployment: " + reason;
	}

	@Override
	public void buried(Job job, GateReviewJob payload, String reason) {
		log.warn("Gate review {} could not be answered: {}", payload.reviewId(), reason);
	}

}
