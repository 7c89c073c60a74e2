package dev.tollgate.admin;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditVerifier;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read access to the audit log: query, streamed export, chain verification and head
 * (docs/audit.md).
 */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

	private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private final AuditQuery audit;

	private final AuditVerifier verifier;

	AuditController(AuditQuery audit, AuditVerifier verifier) {
		this.audit = audit;
		this.verifier = verifier;
	}

	@GetMapping
	AuditQuery.Page audit(@RequestParam(required = false) String deliveryId,
			@RequestParam(required = false) String issueKey, @RequestParam(required = false) String projectKey,
			@RequestParam(required = false) AuditEventType type, @RequestParam(required = false) String outcome,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant since,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant until,
			@RequestParam(defaultValue = "" + AuditQuery.DEFAULT_LIMIT) @Min(1) @Max(AuditQuery.MAX_LIMIT) int limit,
			@RequestParam(required = false) String cursor) {
		return this.audit.find(new AuditQuery.Filter(deliveryId, issueKey, projectKey, type, outcome,
				InvalidField.instant("since", since), InvalidField.instant("until", until)), limit, cursor);
	}

	/**
	 * Every matching event, streamed: {@code format=ndjson} (one JSON object per line, as
	 * {@code GET /audit} returns them) or {@code csv} (RFC 4180, header row). Newest
	 * first like {@code GET /audit}, or {@code order=asc} for oldest first;
	 * {@code afterId} for incremental pulls.
	 */
	@GetMapping("/export")
	void export(@RequestParam String format, @RequestParam(required = false) String deliveryId,
			@RequestParam(required = false) String issueKey, @RequestParam(required = false) String projectKey,
			@RequestParam(required = false) AuditEventType type, @RequestParam(required = false) String outcome,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant since,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant until,
			@RequestParam(required = false) Long afterId, @RequestParam(defaultValue = "desc") String order,
			HttpServletResponse response) throws IOException {
		AuditQuery.ExportFormat exportFormat = AuditQuery.ExportFormat.parse(format);
		boolean oldestFirst = switch (order.strip().toLowerCase(java.util.Locale.ROOT)) {
			case "asc" -> true;
			case "desc" -> false;
			default -> throw new IllegalArgumentException("order must be asc or desc.");
		};
		// Written straight to the response (not an async StreamingResponseBody): an
		// export of millions
		// of rows must not be cut off by the async request timeout.
		response.setContentType(exportFormat.contentType());
		response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"tollgate-audit-"
				+ FILE_TIME.format(Instant.now()) + "." + exportFormat.extension() + "\"");
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
		this.audit.export(
				new AuditQuery.Filter(deliveryId, issueKey, projectKey, type, outcome,
						InvalidField.instant("since", since), InvalidField.instant("until", until)),
				afterId, oldestFirst, exportFormat, response.getOutputStream());
	}

	/**
	 * Recomputes the hash chain: {@code {"verified", "checkedEvents", "firstBrokenId",
	 * "headHash"}}.
	 */
	@GetMapping("/verify")
	AuditVerifier.Result verify() {
		return this.verifier.verify();
	}

	/**
	 * The chain's head hash, its position, event id and sealing time: what an auditor
	 * anchors elsewhere.
	 */
	@GetMapping("/head")
	AuditVerifier.Head head() {
		return this.verifier.head();
	}

}
