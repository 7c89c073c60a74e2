package dev.tollgate.admin;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditQuery;
import dev.tollgate.job.JobAdmin;
import dev.tollgate.policy.PolicyProblems;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read access to the audit log and the job queue, and the re-drive of dead jobs. */
@RestController
@RequestMapping("/api/v1")
class OperationsController {

	private final AuditQuery audit;

	private final JobAdmin jobs;

	OperationsController(AuditQuery audit, JobAdmin jobs) {
		this.audit = audit;
		this.jobs = jobs;
	}

	@GetMapping("/audit")
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

	@GetMapping("/jobs")
	List<JobAdmin.JobView> jobs(@RequestParam(required = false) JobAdmin.Status status,
			@RequestParam(required = false) String kind,
			@RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
		return this.jobs.list(status, kind, limit);
	}

	@PostMapping("/jobs/{id}/retry")
	ResponseEntity<Void> retry(@PathVariable long id) {
		if (!this.jobs.retry(id)) {
			throw new PolicyProblems.Conflict("Job " + id + " is not dead (or does not exist); only dead jobs are retried.");
		}
		return ResponseEntity.accepted().build();
	}

}
