package dev.tollgate.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Shared name rules of policy objects. Names are unique case-insensitively, so they are
 * compared by their {@link #key key}.
 */
final class PolicyNames {

	static final String NAME = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$";

	static final String NAME_MESSAGE = "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit";

	/** The template variables a target may use. */
	static final Set<String> TEMPLATE_VARIABLES = Set.of("issue.key", "issue.id", "issue.type", "project.key",
			"transition.from", "transition.to", "actor.accountId", "decision.id");

	private PolicyNames() {
	}

	/** A name as it is compared: stripped and lower case; a missing name is empty. */
	static String key(String name) {
		return (name != null) ? name.strip().toLowerCase(Locale.ROOT) : "";
	}

	/** The items by the key of their name, in their order. */
	static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
		Map<String, T> map = new LinkedHashMap<>();
		items.forEach((item) -> map.put(key(name.apply(item)), item));
		return map;
	}

}
