package dev.tollgate.admin;

import java.time.Duration;
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
import dev.tollgate.problem.ProblemType;
import dev.tollgate.problem.Problems;
import org.springframework.http.HttpHeaders;
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
 * need Jira, and no request thread ever waits on Jira. A vote that cannot count as far as
 * is known without Jira (separation of duties, no approver role) is refused at once
 * (403); a vote already counted is a no-op; and each token has a number of votes per
 * minute (429), so a token cannot flood the queue or the comments.
 */
@RestController
@RequestMapping("/api/v1/approvals")
class ApprovalController {

	private final Approvals approvals;

	private final JobQueue jobs;

	private final VoteRateLimiter limiter;

	ApprovalController(Approvals approvals, JobQueue jobs, VoteRateLimiter limiter) {
		this.approvals = approvals;
		this.jobs = jobs;
		this.limiter = limiter;
	}

	record VoteBody(@Size(max = 1000) String reason) {
	}

	@GetMapping
	Listing<ApprovalRequest> list(@RequestParam(required = false) String status,
			@RequestParam(defaultValue = "100") int limit) {
		return Listing.of(this.approvals.list(status, limit));
	}

	@PostMapping("/{id}/approve")
	ResponseEntity<?> approve(@PathVariable long id, @Valid @RequestBody(required = false) VoteBody body,
			@AuthenticationPrincipal TokenPrincipal caller) {
		return vote(id, true, body, caller);
	}

	@PostMapping("/{id}/deny")
	ResponseEntity<?> deny(@PathVariable long id, @Valid @RequestBody(required = false) VoteBody body,
			@AuthenticationPrincipal TokenPrincipal caller) {
		return vote(id, false, body, caller);
	}

	private ResponseEntity<?> vote(long id, boolean approve, VoteBody body, TokenPrincipal caller) {
		// Counted first, whatever becomes of the vote: refused votes cost a look-up too.
		Duration wait = this.limiter.acquire((caller.id() != null) ? "id:" + caller.id() : "name:" + caller.name());
		if (wait != null) {
			long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
			return ResponseEntity.status(ProblemType.TOO_MANY_VOTES.status())
				.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
				.body(Problems.of(ProblemType.TOO_MANY_VOTES,
						"This token has cast too many votes in the last minute; try again in " + seconds + " s."));
		}
		if (caller.accountId() == null) {
			throw new PolicyProblems.Conflict("This token has no Jira account id to vote as.");
		}
		if (!this.approvals.exists(id)) {
			throw new PolicyProblems.NotFound("No approval request with id " + id + ".");
		}
		String reason = (body != null) ? body.reason() : null;
		Approvals.VoteCheck check = this.approvals.check(id, caller.accountId());
		switch (check.state()) {
			case CLOSED -> throw new PolicyProblems.Conflict("Approval request " + id + " is already closed.");
			case REFUSED -> {
				// Said now, not queued: the job would only refuse it. The refusal is
				// audited and commented on the issue once per voter and request.
				this.approvals.refused(new VoteRequest(id, null, null, null, caller.accountId(), approve, reason,
						VoteRequest.Source.API, id + ":" + caller.accountId() + ":refused"), check.reason());
				return ResponseEntity.status(ProblemType.VOTE_NOT_COUNTED.status())
					.body(Problems.of(ProblemType.VOTE_NOT_COUNTED,
							"The vote was not counted: " + check.reason() + "."));
			}
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
		VoteRequest vote = new VoteRequest(id, null, null, null, caller.accountId(), approve, reason,
				VoteRequest.Source.API, id + ":" + caller.accountId() + ":" + UUID.randomUUID());
		this.jobs.enqueue(VoteRequest.JOB, vote.dedupKey(), vote);
		return ResponseEntity.accepted().body(Map.of("requestId", id, "status", "QUEUED"));
	}

}
