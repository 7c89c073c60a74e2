package dev.tollgate.console;

import java.util.List;
import java.util.Locale;

import dev.tollgate.job.JobAdmin;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Jobs: the dead ones with their last error (or the pending ones), and the re-drive of a
 * dead job, which only an admin sees and may do; the retry is audited by the job module
 * with the signed-in person's name, as through the API.
 */
@Controller
class JobsPage {

	private final JobAdmin jobs;

	JobsPage(JobAdmin jobs) {
		this.jobs = jobs;
	}

	@GetMapping("/console/jobs")
	String list(@RequestParam(defaultValue = "DEAD") String status, @RequestParam(required = false) String kind,
			@RequestParam(defaultValue = "100") int limit, Model model) {
		JobAdmin.Status wanted = switch (status.strip().toUpperCase(Locale.ROOT)) {
			case "DEAD" -> JobAdmin.Status.DEAD;
			case "PENDING" -> JobAdmin.Status.PENDING;
			default -> throw new ConsolePage.BadInput("'status' must be DEAD or PENDING.");
		};
		if (kind != null && kind.length() > 100) {
			throw new ConsolePage.BadInput("'kind' has at most 100 characters.");
		}
		int shown = Math.max(1, Math.min(limit, 1000));
		List<JobAdmin.JobView> found = this.jobs.list(wanted, ConsolePage.blankToNull(kind), shown + 1);
		model.addAttribute("status", wanted.name());
		model.addAttribute("kind", kind);
		model.addAttribute("jobs", found.stream().limit(shown).toList());
		model.addAttribute("more", (found.size() > shown) ? Math.min(shown * 2, 1000) : null);
		return "console/jobs";
	}

	@PostMapping("/console/jobs/{id}/retry")
	String retry(@PathVariable long id, Authentication authentication, RedirectAttributes redirect) {
		ConsoleUser user = ConsoleUser.of(authentication);
		if (this.jobs.retry(id, "console:" + user.name())) {
			redirect.addFlashAttribute("notice", "Job " + id + " is queued again.");
		}
		else {
			redirect.addFlashAttribute("problem",
					"Job " + id + " is not dead (or no longer exists); only dead jobs are retried.");
		}
		return "redirect:/console/jobs";
	}

}
