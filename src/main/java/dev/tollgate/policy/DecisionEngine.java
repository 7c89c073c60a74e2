package dev.tollgate.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The pure heart of Tollgate: {@code decide(transition, actorRoles, snapshot)}, no I/O.
 * <p>
 * Every enabled rule that matches the transition yields its own decision (one transition
 * can start a build and a deploy); no match yields a single {@code IGNORED}. Default
 * deny: a matching rule allows only an actor holding one of its roles, and an empty role
 * list allows nobody. Names are compared trimmed and case-insensitively; {@code *}
 * matches anything.
 */
public final class DecisionEngine {

	private DecisionEngine() {
	}

	public static List<Decision> decide(Transition transition, Set<String> actorRoles, PolicySnapshot snapshot) {
		Set<String> roles = normalised(actorRoles);
		List<Decision> decisions = new ArrayList<>();
		for (Rule rule : snapshot.rules()) {
			if (rule.enabled() && matches(rule, transition)) {
				decisions.add(decide(rule, transition, roles, snapshot));
			}
		}
		if (decisions.isEmpty()) {
			decisions
				.add(new Decision(Decision.Outcome.IGNORED, null, false, "No rule matches " + typed(transition) + "."));
		}
		return List.copyOf(decisions);
	}

	/**
	 * Whether any enabled rule matches, so callers can skip resolving roles for an
	 * IGNORED outcome.
	 */
	public static boolean anyRuleMatches(Transition transition, PolicySnapshot snapshot) {
		return snapshot.rules().stream().anyMatch((rule) -> rule.enabled() && matches(rule, transition));
	}

	static boolean matches(Rule rule, Transition transition) {
		return nameMatches(rule.projectKey(), transition.projectKey())
				&& (rule.issueTypes().isEmpty()
						|| rule.issueTypes().stream().anyMatch((type) -> nameMatches(type, transition.issueType())))
				&& nameMatches(rule.fromStatus(), transition.fromStatus())
				&& nameMatches(rule.toStatus(), transition.toStatus());
	}

	private static Decision decide(Rule rule, Transition transition, Set<String> actorRoles, PolicySnapshot snapshot) {
		boolean dryRun = rule.mode() == Rule.Mode.DRY_RUN;
		String prefix = dryRun ? "Dry run: " : "";
		String actor = actor(transition);
		String held = rule.allowedRoles()
			.stream()
			.filter((role) -> actorRoles.contains(normalise(role)))
			.findFirst()
			.orElse(null);
		if (held == null) {
			String why = rule.allowedRoles().isEmpty()
					? "Rule '" + rule.name() + "' allows nobody to make " + transition.describe()
					: actor + " lacks role " + String.join(" or ", rule.allowedRoles()) + " required by rule '"
							+ rule.name() + "' for " + transition.describe();
			return new Decision(Decision.Outcome.DENIED, rule, dryRun, prefix + why + ".");
		}
		if (rule.target() != null && snapshot.target(rule.target()).isEmpty()) {
			return new Decision(Decision.Outcome.ERROR, rule, dryRun, prefix + "Rule '" + rule.name()
					+ "' points to target '" + rule.target() + "', which does not exist.");
		}
		String start = (rule.target() != null) ? "target " + rule.target() : "no target";
		if (rule.approval() != null && rule.approval().required() > 0) {
			Rule.Approval approval = rule.approval();
			return new Decision(Decision.Outcome.PENDING_APPROVAL, rule, dryRun,
					prefix + actor + " holds role " + held + " for " + transition.describe() + "; rule '" + rule.name()
							+ "' needs " + approval.required() + " approval" + ((approval.required() == 1) ? "" : "s")
							+ " from " + String.join(" or ", approval.approverRoles()) + " before " + start
							+ " starts.");
		}
		return new Decision(Decision.Outcome.ALLOWED, rule, dryRun, prefix + actor + " holds role " + held
				+ " required by rule '" + rule.name() + "' for " + transition.describe() + "; " + start + ".");
	}

	/**
	 * {@code *} matches anything, including a missing value; otherwise trimmed,
	 * case-insensitive.
	 */
	static boolean nameMatches(String pattern, String value) {
		if (pattern == null || pattern.isBlank()) {
			return false;
		}
		if (pattern.strip().equals("*")) {
			return true;
		}
		return value != null && normalise(pattern).equals(normalise(value));
	}

	private static Set<String> normalised(Set<String> roles) {
		return roles.stream().map(DecisionEngine::normalise).collect(java.util.stream.Collectors.toUnmodifiableSet());
	}

	private static String normalise(String name) {
		return name.strip().toLowerCase(Locale.ROOT);
	}

	private static String actor(Transition transition) {
		// Account ids are quoted exactly as Jira sent them (never re-cased), so they can
		// be searched for.
		return (transition.actorAccountId() != null) ? transition.actorAccountId() : "An unknown actor";
	}

	private static String typed(Transition transition) {
		return ((transition.issueType() != null) ? transition.issueType() + " in " : "") + transition.describe();
	}

}
