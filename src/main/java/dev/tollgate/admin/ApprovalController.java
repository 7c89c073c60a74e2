package dev.tollgate.admin;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

import dev.tollgate.approval.ApprovalRequest;
import dev.tollgate.approval.Approvals;
import dev.tollgate.approval.VoteRequest;
import dev.tollgate.job.JobQueue;
import dev.tollgate.policy.PolicyProblems;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /approvals}: the requests with who voted when, and votes by approver tokens. A
 * vote is queued (202) and counted like a Jira {@code /approve}: the voter's roles may
 * need Jira, and no request thread ever waits on Jira. One queued vote per token account
 * and request: repeats are no-ops, so a token cannot flood the queue.
 */
@RestController
@RequestMapping("/api/v1/approvals")
class ApprovalController {

	private final Approvals approvals;

	private final JobQueue jobs;

	ApprovalController(Approvals approvals, JobQueue jobs) {
		this.approvals = approvals;
		this.jobs = jobs;
	}

	record VoteBody(@Size(max = 1000) String reason) {
	}

	@GetMapping
	Listing<ApprovalRequest> list(@RequestParam(required = false) String status,
			@RequestParam(defaultValue = "100") int limit) {
		return Listing.of(this.approvals.list(status, limit));
	}

	@PostMapping("/{id}/approve")
	ResponseEntity<Map<String, Object>> approve(@PathVariable long id,
			@Valid @RequestBody(required = false) VoteBody body, @AuthenticationPrincipal TokenPrincipal caller) {
		return vote(id, true, body, caller);
	}

	@PostMapping("/{id}/deny")
	ResponseEntity<Map<String, Object>> deny(@PathVariable long id, @Valid @RequestBody(required = false) VoteBody body,
			@AuthenticationPrincipal TokenPrincipal caller) {
		return vote(id, false, body, caller);
	}

	private ResponseEntity<Map<String, Object>> vote(long id, boolean approve, VoteBody body, TokenPrincipal caller) {
		if (caller.accountId() == null) {
			throw new PolicyProblems.Conflict("This token has no Jira account id to vote as.");
		}
		if (!this.approvals.exists(id)) {
			throw new PolicyProblems.NotFound("No approval request with id " + id + ".");
		}
		switch (this.approvals.voteState(id, caller.accountId())) {
			case CLOSED -> throw new PolicyProblems.Conflict("Approval request " + id + " is already closed.");
			case ALREADY_VOTED -> {
				// One vote per person: a repeat is a no-op, answered as such rather than
				// queued.
				return ResponseEntity.accepted().body(Map.of("requestId", id, "status", "ALREADY_VOTED"));
			}
			case OPEN -> {
			}
		}
		// One job per call, like one per Jira comment: a vote refused earlier (no
		// approver role yet)
		// can be cast again, and a counted vote is still counted once (one vote per
		// person and request).
		VoteRequest vote = new VoteRequest(id, null, null, null, caller.accountId(), approve,
				(body != null) ? body.reason() : null, VoteRequest.Source.API,
				id + ":" + caller.accountId() + ":" + UUID.randomUUID());
		this.jobs.enqueue(VoteRequest.JOB, vote.dedupKey(), vote);
		return ResponseEntity.accepted().body(Map.of("requestId", id, "status", "QUEUED"));
	}

}
