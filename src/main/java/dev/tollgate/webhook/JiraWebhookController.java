package dev.tollgate.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.problem.ProblemType;
import dev.tollgate.problem.Problems;
import dev.tollgate.signature.HmacSignature;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /webhooks/jira}. Order matters: the source allow-list before anything else,
 * the size limit before reading, the signature over the exact bytes before parsing (or
 * looking at the delivery id), and a 2xx only after the delivery is durably stored. Jira
 * retries 5xx, so every failure to store is a 503, and nothing a sender controls may end
 * in a 5xx.
 */
@RestController
class JiraWebhookController {

	private static final String ANOTHER_METHOD = " It names a method other than sha256: only sha256 signatures"
			+ " are accepted.";

	private static final Logger log = LoggerFactory.getLogger(JiraWebhookController.class);

	static final String SOURCE = "jira";

	private static final int MAX_DELIVERY_ID_LENGTH = 200;

	private static final String SIGNATURE_HEADER = "X-Hub-Signature";

	private static final String DELIVERY_ID_HEADER = "X-Atlassian-Webhook-Identifier";

	private static final String RETRY_AFTER_SECONDS = "5";

	private final HmacSignature signature;

	private final long maxBodyBytes;

	private final JiraPayloadParser parser;

	private final WebhookIngest ingest;

	private final AuditLog audit;

	private final RejectedSignatureAudit rejections;

	private final WebhookMetrics metrics;

	private final WebhookSources sources;

	private final RejectedSignatureLimiter limiter;

	private final Duration maxDeliveryAge;

	JiraWebhookController(JiraWebhookProperties secrets, WebhookProperties properties, JsonMapper json,
			WebhookIngest ingest, AuditLog audit, RejectedSignatureAudit rejections, WebhookMetrics metrics,
			WebhookSources sources, RejectedSignatureLimiter limiter) {
		this.sources = sources;
		this.limiter = limiter;
		this.signature = HmacSignature.of(secrets.webhookSecrets());
		this.maxDeliveryAge = secrets.maxDeliveryAge();
		this.maxBodyBytes = properties.maxBodySize().toBytes();
		this.parser = new JiraPayloadParser(json);
		this.ingest = ingest;
		this.audit = audit;
		this.rejections = rejections;
		this.metrics = metrics;
		if (!this.signature.hasSecrets()) {
			log.warn(
					"No Jira webhook secret is configured (tollgate.jira.webhook-secrets / TOLLGATE_JIRA_WEBHOOK_SECRETS): "
							+ "every Jira webhook will be rejected with 401");
		}
	}

	@PostMapping("/webhooks/jira")
	ResponseEntity<Object> receive(HttpServletRequest request,
			@RequestHeader(name = "X-Atlassian-Webhook-Retry", required = false) String retryHeader)
			throws IOException {
		long start = System.nanoTime();
		Instant receivedAt = Instant.now();
		// Read by hand rather than with @RequestHeader, which would join repeated headers
		// with commas.
		List<String> deliveryIdHeaders = Collections.list(request.getHeaders(DELIVERY_ID_HEADER));
		List<String> signatureHeaders = Collections.list(request.getHeaders(SIGNATURE_HEADER));
		String deliveryId = deliveryId(deliveryIdHeaders.isEmpty() ? null : deliveryIdHeaders.get(0));
		MDC.put("deliveryId", deliveryId);
		try {
			InetAddress source = this.sources.source(request);
			if (!this.sources.allowed(source)) {
				return answer(WebhookMetrics.Status.FORBIDDEN_SOURCE, start,
						Problems.of(ProblemType.FORBIDDEN_SOURCE, "Deliveries are not accepted from this address."));
			}
			byte[] body = (request.getContentLengthLong() > this.maxBodyBytes) ? null
					: readAtMost(request.getInputStream(), this.maxBodyBytes);
			if (body == null) {
				return answer(WebhookMetrics.Status.TOO_LARGE, start, Problems.of(ProblemType.BODY_TOO_LARGE,
						"The body is larger than the limit of " + this.maxBodyBytes + " bytes."));
			}
			String signatureProblem = signatureProblem(signatureHeaders, body);
			if (signatureProblem != null) {
				// The limit applies to bad signatures only. Jira Cloud sites share egress
				// addresses, so refusing a limited source outright would let anyone's
				// misconfigured (or hostile) webhook block a victim's genuine deliveries:
				// those are still checked and accepted.
				long retryAfter = this.limiter.retryAfterSeconds(source);
				if (retryAfter > 0) {
					ProblemDetail problem = Problems.of(ProblemType.TOO_MANY_BAD_SIGNATURES,
							"Too many deliveries from this address failed authentication; retry later.");
					return answer(WebhookMetrics.Status.RATE_LIMITED, start,
							ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
								.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter))
								.body(problem));
				}
				this.limiter.rejected(source);
				// Still 401 and audited like any bad signature, but counted apart: a
				// sender
				// signing with another method loses every delivery (Jira never re-sends a
				// 4xx).
				boolean anotherMethod = signatureHeaders != null && signatureHeaders.size() == 1
						&& HmacSignature.namesAnotherMethod(signatureHeaders.get(0));
				this.rejections.rejected(SOURCE, deliveryId,
						(source != null) ? source.getHostAddress() : request.getRemoteAddr(),
						anotherMethod ? signatureProblem + ANOTHER_METHOD : signatureProblem);
				if (anotherMethod) {
					return answer(WebhookMetrics.Status.UNKNOWN_SIGNATURE_METHOD, start,
							Problems.of(ProblemType.UNAUTHORIZED, signatureProblem + ANOTHER_METHOD));
				}
				return answer(WebhookMetrics.Status.UNAUTHORIZED, start,
						Problems.of(ProblemType.UNAUTHORIZED, signatureProblem));
			}
			String deliveryIdProblem = deliveryIdProblem(deliveryIdHeaders);
			if (deliveryIdProblem != null) {
				return malformed(deliveryId, deliveryIdProblem, start);
			}
			return accept(body, deliveryId, retryCount(retryHeader), receivedAt, start);
		}
		catch (DataAccessException | TransactionException ex) {
			log.warn("Delivery not stored, answering 503: {}", rootMessage(ex));
			ProblemDetail problem = Problems.of(ProblemType.UNAVAILABLE,
					"The delivery could not be stored right now; retry later.");
			this.metrics.record(WebhookMetrics.Status.UNAVAILABLE, start);
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
				.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
				.body(problem);
		}
		finally {
			MDC.remove("deliveryId");
		}
	}

	private ResponseEntity<Object> accept(byte[] body, String deliveryId, int retryCount, Instant receivedAt,
			long start) {
		JiraPayloadParser.Parsed parsed;
		try {
			parsed = this.parser.parse(body, deliveryId, receivedAt);
		}
		catch (JiraPayloadParser.MalformedDelivery ex) {
			return malformed(deliveryId, ex.getMessage(), start);
		}
		if (parsed.event() != null && parsed.sentAt() != null
				&& parsed.sentAt().isBefore(receivedAt.minus(this.maxDeliveryAge))) {
			return stale(deliveryId, parsed, start);
		}
		WebhookIngest.Result result = this.ingest.ingest(SOURCE, deliveryId, retryCount, parsed, sha256(body));
		log.debug("Delivery {} ({}) {}", deliveryId, parsed.webhookEvent(), result);
		HttpStatus status = (result == WebhookIngest.Result.DUPLICATE) ? HttpStatus.OK : HttpStatus.ACCEPTED;
		return answer(WebhookMetrics.Status.valueOf(result.name()), start,
				ResponseEntity.status(status).body(Map.of("deliveryId", deliveryId, "status", result.name())));
	}

	/**
	 * A signed change older than {@code tollgate.jira.max-delivery-age}: a replay of an
	 * old delivery, or one Jira gave up on long ago. Deciding it now could act on a state
	 * the issue left long since, so it is only audited.
	 */
	private ResponseEntity<Object> stale(String deliveryId, JiraPayloadParser.Parsed parsed, long start) {
		JiraEvent event = parsed.event();
		this.audit.append(AuditEvent
			.of(AuditEventType.WEBHOOK_REJECTED,
					"A signed Jira delivery of " + parsed.sentAt() + " is older than " + this.maxDeliveryAge
							+ " (tollgate.jira.max-delivery-age): ignored, not decided.")
			.outcome("STALE")
			.deliveryId(deliveryId)
			.issue(event.issue().id(), event.issue().key(), event.issue().projectKey(), event.issue().type())
			.actor(event.actorAccountId())
			.details(Map.of("sentAt", parsed.sentAt().toString()))
			.build());
		return answer(WebhookMetrics.Status.IGNORED, start, ResponseEntity.status(HttpStatus.ACCEPTED)
			.body(Map.of("deliveryId", deliveryId, "status", WebhookIngest.Result.IGNORED.name())));
	}

	private static String sha256(byte[] body) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * 400 for a signed delivery that cannot be acted on; {@code reason} is safe to return
	 * to the sender.
	 */
	private ResponseEntity<Object> malformed(String deliveryId, String reason, long start) {
		this.audit.append(
				AuditEvent.of(AuditEventType.WEBHOOK_MALFORMED, "A signed Jira delivery could not be read: " + reason)
					.outcome("REJECTED")
					.deliveryId(deliveryId)
					.build());
		return answer(WebhookMetrics.Status.MALFORMED, start, Problems.of(ProblemType.MALFORMED_DELIVERY, reason));
	}

	private ResponseEntity<Object> answer(WebhookMetrics.Status status, long start, ResponseEntity<Object> response) {
		this.metrics.record(status, start);
		return response;
	}

	private ResponseEntity<Object> answer(WebhookMetrics.Status status, long start, ProblemDetail problem) {
		return answer(status, start, ResponseEntity.status(problem.getStatus()).body(problem));
	}

	/**
	 * Why the delivery is not authentic, as a sentence for the sender and the audit log,
	 * or {@code null} when it is. Two signature headers are ambiguous (which one was
	 * checked?): neither is trusted.
	 */
	private String signatureProblem(List<String> headers, byte[] body) {
		if (headers.size() > 1) {
			return "The delivery has more than one " + SIGNATURE_HEADER + " header; send exactly one.";
		}
		HmacSignature.Verdict verdict = this.signature.verify(headers.isEmpty() ? null : headers.get(0), body);
		return (verdict == HmacSignature.Verdict.VALID) ? null : verdict.describe(SIGNATURE_HEADER);
	}

	/**
	 * Reads the body up to the limit; {@code null} if it is longer (the rest is never
	 * read).
	 */
	static byte[] readAtMost(InputStream in, long limit) throws IOException {
		int cap = (int) Math.min(limit + 1, Integer.MAX_VALUE - 8);
		byte[] body = in.readNBytes(cap);
		return (body.length > limit) ? null : body;
	}

	/**
	 * Why the delivery id headers cannot be used, or {@code null} (checked only once the
	 * signature is valid). Repeated ids are ambiguous. An over-long one is not Jira's:
	 * cutting it could make two deliveries share an id and the second be dropped as a
	 * duplicate. The id is a dedup key that goes into logs, audit and answers, so it must
	 * be visible ASCII: whitespace inside it (a folded header line is unfolded into
	 * spaces), controls and Latin-1 bytes are not Jira's either.
	 */
	private static String deliveryIdProblem(List<String> headers) {
		if (headers.size() > 1) {
			return "The delivery has more than one " + DELIVERY_ID_HEADER + " header.";
		}
		String id = headers.isEmpty() ? "" : headers.get(0).strip();
		if (id.length() > MAX_DELIVERY_ID_LENGTH) {
			return "The " + DELIVERY_ID_HEADER + " header is longer than " + MAX_DELIVERY_ID_LENGTH + " characters.";
		}
		if (!id.chars().allMatch((c) -> c > 0x20 && c < 0x7F)) {
			return "The " + DELIVERY_ID_HEADER + " header may contain only visible ASCII characters.";
		}
		return null;
	}

	/**
	 * Jira's delivery id (cut for logs and audit), or a generated one so that every
	 * delivery can be traced.
	 */
	private static String deliveryId(String header) {
		if (header == null || header.isBlank()) {
			return "tollgate-" + UUID.randomUUID();
		}
		String id = header.strip();
		return (id.length() > MAX_DELIVERY_ID_LENGTH) ? id.substring(0, MAX_DELIVERY_ID_LENGTH) : id;
	}

	private static int retryCount(String header) {
		try {
			return (header != null) ? Math.max(0, Integer.parseInt(header.strip())) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

}
