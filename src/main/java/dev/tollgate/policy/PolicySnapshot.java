package dev.tollgate.policy;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable view of the whole policy at one version, shared by all evaluations until
 * the next change.
 *
 * @param rules in id order
 * @param targets by name
 * @param gates in name order
 */
public record PolicySnapshot(long version, Set<String> roles, List<RoleBinding> bindings, Map<String, Target> targets,
		List<Rule> rules, List<Gate> gates) {

	public PolicySnapshot {
		roles = Set.copyOf(roles);
		bindings = List.copyOf(bindings);
		targets = Map.copyOf(targets);
		rules = rules.stream().sorted(Comparator.comparingLong(Rule::id)).toList();
		gates = List.copyOf(gates);
	}

	/** The target a rule names, compared case-insensitively like every policy name. */
	public Optional<Target> target(String name) {
		if (name == null) {
			return Optional.empty();
		}
		Target exact = this.targets.get(name);
		return (exact != null) ? Optional.of(exact)
				: this.targets.values().stream().filter((t) -> t.name().equalsIgnoreCase(name)).findFirst();
	}

	public static PolicySnapshot empty() {
		return new PolicySnapshot(0, Set.of(), List.of(), Map.of(), List.of(), List.of());
	}

}
