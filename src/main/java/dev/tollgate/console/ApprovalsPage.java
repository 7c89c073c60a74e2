package dev.tollgate.console;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

import dev.tollgate.approval.ApprovalRequest;
import dev.tollgate.approval.ApprovalStatus;
import dev.tollgate.approval.Approvals;
import dev.tollgate.approval.VoteRequest;
import dev.tollgate.audit.AuditQuery;
import dev.tollgate.job.JobQueue;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Approvals: the open requests (or all), one request with its votes and its history, and
 * the vote. A vote is queued exactly as one through the API is: the job resolves the
 * voter's roles and applies separation of duties and eligibility under the request's row
 * lock, and audits a refusal with its reason, which the request's page then shows.
 */
@Controller
class ApprovalsPage {

	static final int MAX_REASON = 1000;

	/** The filter's choices: every status of a request, and all of them. */
	private static final List<String> STATUSES = Stream
		.concat(Arrays.stream(ApprovalStatus.values()).map(Enum::name), Stream.of("ALL"))
		.toList();

	private final Approvals approvals;

	private final JobQueue jobs;

	private final AuditQuery audit;

	ApprovalsPage(Approvals approvals, JobQueue jobs, AuditQuery audit) {
		this.approvals = approvals;
		this.jobs = jobs;
		this.audit = audit;
	}

	@GetMapping({ "/console", "/console/" })
	String home() {
		return "redirect:/console/approvals";
	}

	@GetMapping("/console/approvals")
	String list(@RequestParam(defaultValue = "PENDING") String status, @RequestParam(defaultValue = "50") int limit,
			Model model) {
		String wanted = status.strip().toUpperCase(Locale.ROOT);
		if (!STATUSES.contains(wanted)) {
			throw new ConsolePage.BadInput("'status' must be one of " + String.join(", ", STATUSES) + ".");
		}
		int shown = Math.max(1, Math.min(limit, 500));
		List<ApprovalRequest> requests = this.approvals.list(wanted.equals("ALL") ? null : wanted, shown + 1);
		model.addAttribute("status", wanted);
		model.addAttribute("statuses", STATUSES);
		model.addAttribute("requests", requests.stream().limit(shown).toList());
		model.addAttribute("more", (requests.size() > shown) ? shown * 2 : null);
		return "console/approvals";
	}

	@GetMapping("/console/approvals/{id}")
	String one(@PathVariable long id, Model model) {
		return withHistory(id, model, "console/approval");
	}

	/**
	 * The request's history alone, which the page reloads while a vote is being counted.
	 */
	@GetMapping("/console/approvals/{id}/history")
	String historyFragment(@PathVariable long id, Model model) {
		return withHistory(id, model, "console/approval :: history");
	}

	/** The request and its history in the model, for the whole page or its fragment. */
	private String withHistory(long id, Model model, String view) {
		ApprovalRequest request = find(id);
		model.addAttribute("request", request);
		history(request, model);
		return view;
	}

	@PostMapping("/console/approvals/{id}/vote")
	String vote(@PathVariable long id, @RequestParam String decision, @RequestParam(defaultValue = "") String reason,
			Authentication authentication, RedirectAttributes redirect) {
		ConsoleUser user = ConsoleUser.of(authentication);
		boolean approve = switch (decision) {
			case "approve" -> true;
			case "deny" -> false;
			default -> throw new ConsolePage.BadInput("A vote is either approve or deny.");
		};
		if (reason.length() > MAX_REASON) {
			throw new ConsolePage.BadInput("A reason has at most " + MAX_REASON + " characters.");
		}
		String redirectTo = "redirect:/console/approvals/" + id;
		if (user.accountId() == null) {
			redirect.addFlashAttribute("refusal",
					"Your sign-in carries no Jira account id, so there is nobody to count this vote for.");
			return redirectTo;
		}
		find(id);
		switch (this.approvals.voteState(id, user.accountId())) {
			case CLOSED -> {
				redirect.addFlashAttribute("refusal", "This request is already closed; votes no longer count.");
				return redirectTo;
			}
			case ALREADY_VOTED -> {
				redirect.addFlashAttribute("refusal",
						"Your vote on this request is already counted; one vote per person.");
				return redirectTo;
			}
			case OPEN -> {
			}
		}
		VoteRequest vote = new VoteRequest(id, null, null, null, user.accountId(), approve,
				reason.isBlank() ? null : reason.strip(), VoteRequest.Source.CONSOLE,
				id + ":" + user.accountId() + ":" + UUID.randomUUID());
		this.jobs.enqueue(VoteRequest.JOB, vote.dedupKey(), vote);
		redirect.addFlashAttribute("queued", true);
		return redirectTo;
	}

	private ApprovalRequest find(long id) {
		return this.approvals.get(id)
			.orElseThrow(() -> new ConsolePage.BadInput("There is no approval request " + id + "."));
	}

	private void history(ApprovalRequest request, Model model) {
		List<AuditQuery.Entry> events = (request.issueKey() == null) ? List.of()
				: this.audit
					.find(new AuditQuery.Filter(null, request.issueKey(), null, null, null, null, null), 200, null)
					.items()
					.stream()
					.filter((event) -> request.decisionId().equals(event.decisionId()))
					.toList();
		model.addAttribute("events", events);
	}

}
