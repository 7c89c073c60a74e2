package dev.tollgate.admin;

import java.time.Instant;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditQuery;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read access to the audit log. */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

	private final AuditQuery audit;

	AuditController(AuditQuery audit) {
		this.audit = audit;
	}

	@GetMapping
	AuditQuery.Page audit(@RequestParam(required = false) String deliveryId,
			@RequestParam(required = false) String issueKey, @RequestParam(required = false) String projectKey,
			@RequestParam(required = false) AuditEventType type, @RequestParam(required = false) String outcome,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant since,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant until,
			@RequestParam(defaultValue = "" + AuditQuery.DEFAULT_LIMIT) @Min(1) @Max(AuditQuery.MAX_LIMIT) int limit,
			@RequestParam(required = false) String cursor) {
		return this.audit.find(new AuditQuery.Filter(deliveryId, issueKey, projectKey, type, outcome, since, until),
				limit, cursor);
	}

}
