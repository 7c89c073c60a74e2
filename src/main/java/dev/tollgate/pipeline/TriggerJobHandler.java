package dev.tollgate.pipeline;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.pipeline.support.TriggerFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.jira.CommentRequest;
import dev.tollgate.job.Job;
import dev.tollgate.job.JobHandler;
import dev.tollgate.job.JobOutcome;
import dev.tollgate.job.JobQueue;
import dev.tollgate.job.JobType;
import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.Target;
import org.springframework.stereotype.Component;

/**
 * The {@code TRIGGER} job: starts the target's pipeline for an allowed decision. Its
 * dedup key is derived from the decision id, so a decision is triggered at most once by
 * the queue; the decision id travels with the run so the CI side can recognise the rare
 * repeat after a crash.
 */
@Component
class TriggerJobHandler implements JobHandler<TriggerRequest> {

	private final AuditLog audit;

	private final PolicySnapshots snapshots;

	private final Map<Target.Kind, PipelineProvider> clients;

	private final MeterRegistry registry;

	private final Credentials credentials;

	private final CircuitBreakers breakers;

	private final PipelineRuns runs;

	private final JobQueue jobs;

	private final PipelineCallbacks callbacks;

	TriggerJobHandler(AuditLog audit, PolicySnapshots snapshots, List<PipelineProvider> clients, MeterRegistry registry,
			Credentials credentials, CircuitBreakers breakers, PipelineRuns runs, JobQueue jobs,
			PipelineCallbacks callbacks) {
		this.callbacks = callbacks;
		this.jobs = jobs;
		this.credentials = credentials;
		this.breakers = breakers;
		this.runs = runs;
		this.audit = audit;
		this.snapshots = snapshots;
		this.clients = clients.stream()
			.collect(Collectors.toUnmodifiableMap(PipelineProvider::kind, Function.identity()));
		this.registry = registry;
		for (Target.Kind kind : Target.Kind.values()) {
			counter(kind, "SUCCEEDED");
			counter(kind, "FAILED");
			timer(kind);
		}
	}

	@Override
	public JobType<TriggerRequest> type() {
		return TriggerRequest.JOB;
	}

	@Override
	public JobOutcome handle(Job job, TriggerRequest request) {
		Optional<Target> found = this.snapshots.current().target(request.target());
		if (found.isEmpty()) {
			return JobOutcome.failed("Target '" + request.target() + "' no longer exists.");
		}
		Target target = found.get();
		PipelineProvider client = this.clients.get(target.kind());
		if (client == null) {
			return JobOutcome.failed("Targets of kind " + target.kind() + " cannot be triggered by this version.");
		}
		Instant deferUntil = this.breakers.deferUntil(target.name());
		if (deferUntil != null) {
			return JobOutcome.deferred("The circuit of target '" + target.name() + "' is open after repeated failures.",
					deferUntil);
		}
		long start = System.nanoTime();
		try {
			Secret credential = (target.kind() == Target.Kind.NOOP) ? null
					: this.credentials.resolve(target.credentialRef());
			Map<String, String> values = Templates.render(target.templateValues(), request);
			PipelineProvider.Run run = client.trigger(new PipelineProvider.TriggerCall(target, request, values,
					credential, job.triedBefore() ? Math.max(2, job.attempts()) : 1));
			this.breakers.succeeded(target.name());
			record(target.kind(), "SUCCEEDED", start);
			return JobOutcome.done(() -> succeeded(target, request, run));
		}
		catch (TriggerFailure failure) {
			record(target.kind(), "FAILED", start);
			if (failure.permanent()) {
				// The CI system answered (or the target is wrong): not an outage, so the
				// circuit closes.
				this.breakers.succeeded(target.name());
				return JobOutcome.failed(failure.getMessage());
			}
			this.breakers.failed(target.name());
			return JobOutcome.retryLater(failure.getMessage(), failure.retryAfter());
		}
		catch (RuntimeException ex) {
			// Unexpected: say what kind of failure without echoing a message that could
			// carry a response body.
			record(target.kind(), "FAILED", start);
			this.breakers.failed(target.name());
			return JobOutcome.retryLater("Calling " + target.kind() + " failed: " + ex.getClass().getSimpleName(),
					null);
		}
	}

	private void succeeded(Target target, TriggerRequest request, PipelineProvider.Run run) {
		long eventId = this.audit.append(event(AuditEventType.TRIGGER_SUCCEEDED, request,
				"Target '" + target.name() + "' (" + target.kind() + ") "
						+ ((target.kind() == Target.Kind.NOOP) ? "recorded the trigger; nothing was called."
								: "started " + ((run.runUrl() != null) ? "run " + run.runUrl() : "a run") + "."
										+ ((run.note() != null) ? " " + run.note() : "")))
			.runUrl(run.runUrl())
			.details(details(run))
			.build());
		PipelineProvider client = this.clients.get(target.kind());
		this.runs.started(target, client.runScope(target), client.webRoot(target), request, run);
		if (request.comment()) {
			CommentRequest.Builder comment = CommentRequest.on(request.issueKey(), eventId)
				.strong("ALLOWED")
				.text(": " + request.actorAccountId() + " moved " + request.issueKey() + " from ")
				.code((request.fromStatus() != null) ? request.fromStatus() : "(new)")
				.text(" to ")
				.code(request.toStatus())
				.text(". Rule ")
				.code(request.ruleName())
				.text(" started ")
				.code(target.name());
			if (target.kind() == Target.Kind.NOOP) {
				comment.text(" (a NOOP target: nothing was called).");
			}
			else {
				comment.text((run.runUrl() != null) ? ": " : ".")
					.link(runLabel(run), run.runUrl())
					.text((run.runUrl() != null) ? "." : "");
			}
			enqueue(comment.build());
		}
		// A result that came back before the run was recorded is applied now, after the
		// start's comment.
		this.callbacks.applyParked(target.kind().name(), request.decisionId());
	}

	private static String runLabel(PipelineProvider.Run run) {
		return (run.runId() != null) ? "run #" + run.runId() : "the run";
	}

	private void enqueue(CommentRequest comment) {
		this.jobs.enqueueOrdered(CommentRequest.JOB, comment.dedupKey(), comment, comment.orderingKey());
	}

	@Override
	public void buried(Job job, TriggerRequest request, String reason) {
		long eventId = this.audit
			.append(event(AuditEventType.TRIGGER_FAILED, request, "The pipeline of target '" + request.target()
					+ "' was not started: " + reason + " The job is dead; an operator can retry it.")
				.build());
		if (request.comment()) {
			enqueue(CommentRequest.on(request.issueKey(), eventId)
				.strong("TRIGGER FAILED")
				.text(": the transition to ")
				.code(request.toStatus())
				.text(" was allowed, but ")
				.code(request.target())
				.text(" could not be started: " + reason)
				.paragraph()
				.text("Tollgate's operators see this as a dead job and can retry it once the cause is fixed.")
				.build());
		}
	}

	private static AuditEvent.Builder event(AuditEventType type, TriggerRequest request, String reason) {
		return AuditEvent.of(type, reason)
			.outcome((type == AuditEventType.TRIGGER_SUCCEEDED) ? "SUCCEEDED" : "FAILED")
			.deliveryId(request.deliveryId())
			.issue(request.issueId(), request.issueKey(), request.projectKey(), request.issueType())
			.actor(request.actorAccountId())
			.transition(request.fromStatus(), request.toStatus())
			.rule(request.ruleId(), request.ruleName())
			.target(request.target())
			.decisionId(request.decisionId());
	}

	private static Map<String, Object> details(PipelineProvider.Run run) {
		Map<String, Object> details = new LinkedHashMap<>();
		if (run.runId() != null) {
			details.put("runId", run.runId());
		}
		if (run.note() != null) {
			details.put("note", run.note());
		}
		return details.isEmpty() ? null : details;
	}

	private void record(Target.Kind kind, String result, long startNanos) {
		counter(kind, result).increment();
		timer(kind).record(Duration.ofNanos(System.nanoTime() - startNanos));
	}

	private Counter counter(Target.Kind kind, String result) {
		return Counter.builder("tollgate.triggers")
			.description("Pipeline trigger attempts by provider and result")
			.tag("provider", kind.name())
			.tag("result", result)
			.register(this.registry);
	}

	private Timer timer(Target.Kind kind) {
		return Timer.builder("tollgate.trigger.duration")
			.description("Time a trigger call to the CI system took")
			.tag("provider", kind.name())
			.register(this.registry);
	}

}
