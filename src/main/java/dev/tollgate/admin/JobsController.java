package dev.tollgate.admin;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import dev.tollgate.job.JobAdmin;
import dev.tollgate.policy.PolicyProblems;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The job queue as operators see it, and the re-drive of dead jobs. */
@RestController
@RequestMapping("/api/v1")
class JobsController {

	private final JobAdmin jobs;

	JobsController(JobAdmin jobs) {
		this.jobs = jobs;
	}

	@GetMapping("/jobs")
	Listing<JobAdmin.JobView> jobs(@RequestParam(required = false) JobAdmin.Status status,
			@RequestParam(required = false) String kind,
			@RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
		return Listing.of(this.jobs.list(status, kind, limit));
	}

	@PostMapping("/jobs/{id}/retry")
	ResponseEntity<Void> retry(@PathVariable long id, @AuthenticationPrincipal TokenPrincipal caller) {
		if (!this.jobs.retry(id, caller.auditName())) {
			throw new PolicyProblems.Conflict(
					"Job " + id + " is not dead (or does not exist); only dead jobs are retried.");
		}
		return ResponseEntity.accepted().build();
	}

}
