package dev.tollgate.console;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditVerifier;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The audit log: filters in the URL (a search is a link to share), newest first, paged by
 * the API's cursor. The chain's verification is loaded after the page (it reads the whole
 * log), so the search never waits for it.
 */
@Controller
class AuditPage {

	private static final int PAGE = 50;

	private final AuditQuery audit;

	private final AuditVerifier verifier;

	AuditPage(AuditQuery audit, AuditVerifier verifier) {
		this.audit = audit;
		this.verifier = verifier;
	}

	@GetMapping("/console/audit")
	String search(@RequestParam(required = false) String issueKey, @RequestParam(required = false) String projectKey,
			@RequestParam(required = false) String type, @RequestParam(required = false) String outcome,
			@RequestParam(required = false) String since, @RequestParam(required = false) String until,
			@RequestParam(required = false) String tz, @RequestParam(required = false) String cursor, Model model) {
		AuditEventType eventType = type(type);
		Instant from = ConsolePage.time("since", since, tz);
		Instant to = ConsolePage.time("until", until, tz);
		for (String value : Arrays.asList(issueKey, projectKey, outcome, cursor)) {
			if (value != null && value.length() > 200) {
				throw new ConsolePage.BadInput("A filter has at most 200 characters.");
			}
		}
		AuditQuery.Page page;
		try {
			page = this.audit.find(
					new AuditQuery.Filter(null, ConsolePage.blankToNull(issueKey), ConsolePage.blankToNull(projectKey),
							eventType, ConsolePage.blankToNull(outcome), from, to),
					PAGE, ConsolePage.blankToNull(cursor));
		}
		catch (IllegalArgumentException ex) {
			throw new ConsolePage.BadInput("That page of results is no longer valid; start the search again.");
		}
		model.addAttribute("events", page.items());
		model.addAttribute("types", Arrays.stream(AuditEventType.values()).map(Enum::name).toList());
		model.addAttribute("filter", new Filter(issueKey, projectKey, type, outcome, since, until, tz));
		model.addAttribute("older",
				(page.nextCursor() != null) ? UriComponentsBuilder.fromPath("/console/audit")
					.queryParamIfPresent("issueKey", present(issueKey))
					.queryParamIfPresent("projectKey", present(projectKey))
					.queryParamIfPresent("type", present(type))
					.queryParamIfPresent("outcome", present(outcome))
					.queryParamIfPresent("since", present(since))
					.queryParamIfPresent("until", present(until))
					.queryParamIfPresent("tz", present(tz))
					.queryParam("cursor", page.nextCursor())
					.encode()
					.build()
					.toUriString() : null);
		model.addAttribute("firstPage", cursor == null || cursor.isBlank());
		return "console/audit";
	}

	/** The chain's state: recomputed from the first event to the head. */
	@GetMapping("/console/audit/verification")
	String verification(Model model) {
		model.addAttribute("verification", this.verifier.verify());
		return "console/audit :: verification";
	}

	public record Filter(String issueKey, String projectKey, String type, String outcome, String since, String until,
			String tz) {
	}

	private static java.util.Optional<String> present(String value) {
		return java.util.Optional.ofNullable(ConsolePage.blankToNull(value));
	}

	private static AuditEventType type(String type) {
		if (type == null || type.isBlank()) {
			return null;
		}
		try {
			return AuditEventType.valueOf(type.strip());
		}
		catch (IllegalArgumentException ex) {
			List<String> names = Arrays.stream(AuditEventType.values()).map(Enum::name).toList();
			throw new ConsolePage.BadInput("'type' must be one of " + String.join(", ", names) + ".");
		}
	}

}
