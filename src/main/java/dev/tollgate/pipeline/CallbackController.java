package dev.tollgate.pipeline;

import dev.tollgate.pipeline.support.Templates;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;

import dev.tollgate.policy.Target;
import dev.tollgate.problem.ProblemType;
import dev.tollgate.problem.Problems;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * CI status callbacks on {@code POST /webhooks/github}, {@code /webhooks/gitlab} and
 * {@code /webhooks/jenkins}: GitHub {@code workflow_run}, GitLab Pipeline Hook and
 * Jenkins notifications. Each is read by its CI system's provider
 * ({@link PipelineProvider.Callbacks}), which authenticates it (secrets compared in
 * constant time, several at once for rotation) before parsing it; only terminal states
 * count.
 */
@RestController
class CallbackController {

	private static final int MAX_BODY = 1024 * 1024;

	private final Map<Target.Kind, PipelineProvider.Callbacks> providers;

	private final PipelineCallbacks callbacks;

	private final DeploymentGates gates;

	private final RunConfirmations confirmations;

	CallbackController(List<PipelineProvider.Callbacks> providers, PipelineCallbacks callbacks, DeploymentGates gates,
			RunConfirmations confirmations) {
		this.confirmations = confirmations;
		this.providers = providers.stream()
			.collect(Collectors.toUnmodifiableMap(PipelineProvider.Callbacks::kind, Function.identity()));
		this.callbacks = callbacks;
		this.gates = gates;
	}

	@PostMapping("/webhooks/github")
	ResponseEntity<Object> github(HttpServletRequest request,
			@RequestHeader(name = "X-Hub-Signature-256", required = false) String signature,
			@RequestHeader(name = "X-GitHub-Event", required = false) String event) throws IOException {
		return receive(Target.Kind.GITHUB_ACTIONS, request);
	}

	@PostMapping("/webhooks/gitlab")
	ResponseEntity<Object> gitlab(HttpServletRequest request,
			@RequestHeader(name = "X-Gitlab-Token", required = false) String token) throws IOException {
		return receive(Target.Kind.GITLAB, request);
	}

	/**
	 * Jenkins notifications from a pipeline {@code post} step, signed with
	 * {@code X-Tollgate-Signature} or carrying {@code X-Tollgate-Token}
	 * (docs/pipelines.md).
	 */
	@PostMapping("/webhooks/jenkins")
	ResponseEntity<Object> jenkins(HttpServletRequest request,
			@RequestHeader(name = "X-Tollgate-Signature", required = false) String signature,
			@RequestHeader(name = "X-Tollgate-Token", required = false) String token) throws IOException {
		return receive(Target.Kind.JENKINS, request);
	}

	/** Read by the provider of that kind: authenticated first, parsed after. */
	private ResponseEntity<Object> receive(Target.Kind kind, HttpServletRequest request) throws IOException {
		byte[] body = read(request);
		if (body == null) {
			return tooLarge();
		}
		StatusCallback callback = this.providers.get(kind).read(request::getHeader, body);
		if (callback instanceof StatusCallback.Finished finished) {
			return apply(new PipelineCallbacks.Report(kind.name(), finished));
		}
		if (callback instanceof StatusCallback.Waiting waiting) {
			return gate(waiting.ask());
		}
		if (callback instanceof StatusCallback.Rejected rejected) {
			return unauthorized(kind, rejected.problem());
		}
		return ignored(kind);
	}

	private ResponseEntity<Object> apply(PipelineCallbacks.Report reported) {
		PipelineCallbacks.Outcome outcome;
		try {
			PipelineCallbacks.Report report = this.confirmations.confirm(reported);
			outcome = this.callbacks.completed(report);
		}
		catch (RunConfirmations.Unconfirmed ex) {
			// Neither matched nor refused: the sender is to send it again (curl --retry
			// honours Retry-After), so the result is not lost while the CI system cannot
			// say whose run it is.
			this.callbacks.count(reported.provider(), PipelineCallbacks.Outcome.UNCONFIRMED);
			ProblemDetail problem = Problems.of(ProblemType.UNAVAILABLE, "Tollgate could not ask " + reported.provider()
					+ " whether this run carries the decision id it " + "names; retry later.");
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
				.header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds(ex.retryAfter())))
				.body(problem);
		}
		catch (DataAccessException | TransactionException ex) {
			ProblemDetail problem = Problems.of(ProblemType.UNAVAILABLE,
					"The callback could not be stored right now; retry later.");
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
				.header(HttpHeaders.RETRY_AFTER, "5")
				.body(problem);
		}
		this.callbacks.count(reported.provider(), outcome);
		HttpStatus status = (outcome == PipelineCallbacks.Outcome.COMPLETED) ? HttpStatus.OK : HttpStatus.ACCEPTED;
		return ResponseEntity.status(status).body(Map.of("status", outcome.name()));
	}

	/**
	 * Recorded and answered 202 at once; the review is a durable job. A question Tollgate
	 * may not answer (a URL outside the target) is 422, and audited by the gate.
	 */
	private ResponseEntity<Object> gate(GateAsk ask) {
		DeploymentGates.Intake intake;
		try {
			intake = this.gates.asked(ask);
		}
		catch (DataAccessException | TransactionException ex) {
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
				.header(HttpHeaders.RETRY_AFTER, "5")
				.body(Problems.of(ProblemType.UNAVAILABLE, "The request could not be stored right now; retry later."));
		}
		if (intake == DeploymentGates.Intake.REFUSED) {
			return ResponseEntity.unprocessableContent()
				.body(Problems.of(ProblemType.GATE_REFUSED,
						"The URL to answer lies outside the gate's target; the request is refused and audited."));
		}
		return ResponseEntity.accepted().body(Map.of("status", intake.name()));
	}

	/**
	 * What the CI system asked for, bounded to between 5 s and 5 min; 30 s when it said
	 * nothing (a Jenkins restart takes about that).
	 */
	private static long retryAfterSeconds(java.time.Instant retryAfter) {
		if (retryAfter == null) {
			return 30;
		}
		long seconds = java.time.Duration.between(java.time.Instant.now(), retryAfter).toSeconds();
		return Math.max(5, Math.min(300, seconds));
	}

	private ResponseEntity<Object> ignored(Target.Kind provider) {
		this.callbacks.count(provider.name(), PipelineCallbacks.Outcome.IGNORED);
		return ResponseEntity.accepted().body(Map.of("status", PipelineCallbacks.Outcome.IGNORED.name()));
	}

	private ResponseEntity<Object> unauthorized(Target.Kind provider, String detail) {
		this.callbacks.count(provider.name(), PipelineCallbacks.Outcome.REJECTED);
		ProblemDetail problem = Problems.of(ProblemType.UNAUTHORIZED, detail);
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(problem);
	}

	private static ResponseEntity<Object> tooLarge() {
		return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
			.body(Problems.of(ProblemType.BODY_TOO_LARGE, "The body is larger than the limit."));
	}

	@org.springframework.web.bind.annotation.ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<ProblemDetail> malformed(IllegalArgumentException ex) {
		return ResponseEntity.badRequest().body(Problems.of(ProblemType.MALFORMED_CALLBACK, ex.getMessage()));
	}

	private static byte[] read(HttpServletRequest request) throws IOException {
		if (request.getContentLengthLong() > MAX_BODY) {
			return null;
		}
		byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
		return (body.length > MAX_BODY) ? null : body;
	}

}
