package dev.tollgate.console;

import java.util.List;
import java.util.Locale;

import dev.tollgate.gate.GateReview;
import dev.tollgate.gate.GateReviewQuery;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Gates: the deployments waiting at a gate now (what each waits for, until when), or the
 * reviews answered, newest first.
 */
@Controller
class GatesPage {

	private final GateReviewQuery reviews;

	GatesPage(GateReviewQuery reviews) {
		this.reviews = reviews;
	}

	@GetMapping("/console/gates")
	String list(@RequestParam(defaultValue = "WAITING") String status, @RequestParam(defaultValue = "100") int limit,
			Model model) {
		GateReview.Status wanted;
		try {
			wanted = GateReview.Status.valueOf(status.strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new ConsolePage.BadInput("'status' must be WAITING, APPROVED or REJECTED.");
		}
		int shown = Math.max(1, Math.min(limit, 1000));
		List<GateReview> found = this.reviews.list(wanted, shown + 1);
		model.addAttribute("status", wanted.name());
		model.addAttribute("reviews", found.stream().limit(shown).toList());
		model.addAttribute("more", (found.size() > shown) ? Math.min(shown * 2, 1000) : null);
		return "console/gates";
	}

}
