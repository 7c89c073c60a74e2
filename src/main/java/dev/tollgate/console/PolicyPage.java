package dev.tollgate.console;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.tollgate.policy.ActorRoles;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.DecisionEngine;
import dev.tollgate.policy.PolicySnapshot;
import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.PolicyStore;
import dev.tollgate.policy.Transition;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The policy, read-only: roles, bindings, targets (credential references, never values)
 * and rules with their approval gates; and the explain form, which evaluates a
 * hypothetical transition the way {@code POST /api/v1/policy/explain} does, with the
 * actor's groups and project roles given rather than looked up, so it has no side
 * effects.
 */
@Controller
class PolicyPage {

	private final PolicyStore policy;

	private final PolicySnapshots snapshots;

	PolicyPage(PolicyStore policy, PolicySnapshots snapshots) {
		this.policy = policy;
		this.snapshots = snapshots;
	}

	@GetMapping("/console/policy")
	String page(Model model) {
		model.addAttribute("roles", this.policy.roles());
		model.addAttribute("bindings", this.policy.bindings());
		model.addAttribute("targets", this.policy.targets());
		model.addAttribute("rules", this.policy.rules());
		model.addAttribute("gates", this.policy.gates());
		model.addAttribute("form", new Explain("", "", "", "", "", "", ""));
		return "console/policy";
	}

	@PostMapping("/console/policy/explain")
	String explain(@RequestParam(defaultValue = "") String projectKey,
			@RequestParam(defaultValue = "") String issueType, @RequestParam(defaultValue = "") String fromStatus,
			@RequestParam(defaultValue = "") String toStatus, @RequestParam(defaultValue = "") String actorAccountId,
			@RequestParam(defaultValue = "") String actorGroups,
			@RequestParam(defaultValue = "") String actorProjectRoles,
			@RequestHeader(name = "HX-Request", required = false) String htmx, Model model) {
		Explain form = new Explain(projectKey, issueType, fromStatus, toStatus, actorAccountId, actorGroups,
				actorProjectRoles);
		if (projectKey.isBlank() || toStatus.isBlank()) {
			throw new ConsolePage.BadInput("The explain form needs at least a project key and a target status.");
		}
		for (String value : List.of(projectKey, issueType, fromStatus, toStatus, actorAccountId)) {
			if (value.length() > 200) {
				throw new ConsolePage.BadInput("Each explain field has at most 200 characters.");
			}
		}
		if (actorGroups.length() > 10_000 || actorProjectRoles.length() > 10_000) {
			throw new ConsolePage.BadInput("The lists of groups and project roles are too long.");
		}
		PolicySnapshot snapshot = this.snapshots.current();
		Transition transition = new Transition(projectKey.strip(), ConsolePage.blankToNull(issueType),
				ConsolePage.blankToNull(fromStatus), toStatus.strip(), ConsolePage.blankToNull(actorAccountId));
		Set<String> roles = ActorRoles.resolve(snapshot, projectKey.strip(), ConsolePage.blankToNull(actorAccountId),
				names(actorGroups), names(actorProjectRoles));
		List<Decision> decisions = DecisionEngine.decide(transition, roles, snapshot);
		Decision headline = Decision.headline(decisions);
		model.addAttribute("form", form);
		model.addAttribute("outcome", headline.outcome().name());
		model.addAttribute("decisions", decisions);
		model.addAttribute("actorRoles", new TreeSet<>(roles));
		if (htmx == null) {
			// Without script the whole page comes back, the answer under the form.
			page(model);
			model.addAttribute("form", form);
			return "console/policy";
		}
		return "console/policy :: explanation";
	}

	/** The form's values, echoed back. */
	public record Explain(String projectKey, String issueType, String fromStatus, String toStatus,
			String actorAccountId, String actorGroups, String actorProjectRoles) {
	}

	private static Set<String> names(String text) {
		Set<String> names = new TreeSet<>();
		Arrays.stream(text.split(","))
			.map(String::strip)
			.filter((name) -> !name.isEmpty())
			.limit(200)
			.forEach(names::add);
		return names;
	}

}
