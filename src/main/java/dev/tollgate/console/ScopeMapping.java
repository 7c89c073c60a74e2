package dev.tollgate.console;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which of the identity provider's groups grants which console scope:
 * {@code admin=platform-admins,auditor=auditors,approver=release-approvers}. A group is
 * matched exactly, or with one leading {@code /} removed (Keycloak's "full group path"
 * form, {@code /platform-admins}). Default deny: an empty mapping grants nothing.
 */
final class ScopeMapping {

	private static final Set<String> SCOPES = Set.of(ConsoleUser.ADMIN, ConsoleUser.AUDITOR, ConsoleUser.APPROVER);

	private final Map<String, Set<String>> scopesByGroup;

	private ScopeMapping(Map<String, Set<String>> scopesByGroup) {
		this.scopesByGroup = scopesByGroup;
	}

	/**
	 * @throws IllegalArgumentException naming the bad pair, so a typo stops the start
	 */
	static ScopeMapping parse(String text) {
		Map<String, Set<String>> byGroup = new LinkedHashMap<>();
		if (text != null) {
			for (String pair : text.split(",")) {
				if (pair.isBlank()) {
					continue;
				}
				int eq = pair.indexOf('=');
				String scope = (eq > 0) ? pair.substring(0, eq).strip().toLowerCase(Locale.ROOT) : "";
				String group = (eq > 0) ? pair.substring(eq + 1).strip() : "";
				if (!SCOPES.contains(scope) || group.isEmpty()) {
					throw new IllegalArgumentException("tollgate.console.oidc.scope-mapping: '" + pair.strip()
							+ "' is not scope=group with a scope of admin, auditor or approver.");
				}
				byGroup.computeIfAbsent(group, (g) -> new TreeSet<>()).add(scope);
			}
		}
		return new ScopeMapping(byGroup);
	}

	/**
	 * The scopes a claim value grants: a list of group names, or one string of names
	 * separated by commas or spaces.
	 */
	Set<String> scopesFor(Object claim) {
		Set<String> scopes = new TreeSet<>();
		for (String group : groups(claim)) {
			String stripped = group.strip();
			Set<String> granted = this.scopesByGroup.get(stripped);
			if (granted == null && stripped.startsWith("/")) {
				granted = this.scopesByGroup.get(stripped.substring(1));
			}
			if (granted != null) {
				scopes.addAll(granted);
			}
		}
		return scopes;
	}

	private static List<String> groups(Object claim) {
		if (claim instanceof Collection<?> values) {
			return values.stream().filter((value) -> value != null).map(Object::toString).limit(1000).toList();
		}
		if (claim instanceof String value) {
			return List.of(value.split("[,\\s]+"));
		}
		return List.of();
	}

}
