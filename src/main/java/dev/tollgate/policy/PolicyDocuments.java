package dev.tollgate.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.tollgate.policy.PolicyNames.byName;
import static dev.tollgate.policy.PolicyNames.key;

/**
 * Policy as code: what it takes to make the stored policy equal to a checked
 * {@link PolicyDocument}, as a diff, and applying it through the store's own create,
 * update and delete, so each change is checked and audited as if made one by one. Objects
 * are matched by name (bindings by their content). The order of application lets every
 * reference resolve: roles and targets first, then bindings, rules and gates, and the
 * roles and targets no longer wanted last. Runs inside {@link PolicyStore#apply}'s
 * transaction.
 */
final class PolicyDocuments {

	private final PolicyStore store;

	PolicyDocuments(PolicyStore store) {
		this.store = store;
	}

	void apply(PolicyDocument document, String changedBy) {
		Map<String, RoleView> currentRoles = byName(this.store.roles(), RoleView::name);
		for (RoleView role : document.roles()) {
			RoleView existing = currentRoles.get(key(role.name()));
			if (existing == null) {
				this.store.createRole(role, changedBy);
			}
			else if (!existing.equals(role)) {
				this.store.updateRole(existing.name(), role, null, changedBy);
			}
		}
		Map<String, Target> currentTargets = byName(this.store.targets(), Target::name);
		for (Target target : document.targets()) {
			Target existing = currentTargets.get(key(target.name()));
			if (existing == null) {
				this.store.createTarget(target, changedBy);
			}
			else if (!existing.equals(target.stored())) {
				this.store.updateTarget(existing.name(), target, null, changedBy);
			}
		}
		for (RoleBinding binding : this.store.bindings()) {
			if (document.bindings().stream().noneMatch((spec) -> spec.sameAs(binding))) {
				this.store.deleteBinding(binding.id(), changedBy);
			}
		}
		for (BindingSpec spec : document.bindings()) {
			if (this.store.bindings().stream().noneMatch(spec::sameAs)) {
				this.store.createBinding(spec, changedBy);
			}
		}
		Map<String, Rule> currentRules = byName(this.store.rules(), Rule::name);
		Set<String> wantedRules = document.rules().stream().map((r) -> key(r.name())).collect(Collectors.toSet());
		for (Rule rule : currentRules.values()) {
			if (!wantedRules.contains(key(rule.name()))) {
				this.store.deleteRule(rule.id(), null, changedBy);
			}
		}
		for (RuleSpec spec : document.rules()) {
			Rule existing = currentRules.get(key(spec.name()));
			if (existing == null) {
				this.store.createRule(spec, changedBy);
			}
			else if (!RuleSpec.of(existing).equals(RuleSpec.of(spec.toRule(existing.id())))) {
				this.store.updateRule(existing.id(), spec, null, changedBy);
			}
		}
		applyGates(document, changedBy);
		Set<String> wantedTargets = document.targets().stream().map((t) -> key(t.name())).collect(Collectors.toSet());
		for (Target target : currentTargets.values()) {
			if (!wantedTargets.contains(key(target.name()))) {
				this.store.deleteTarget(target.name(), null, changedBy);
			}
		}
		Set<String> wantedRoles = document.roles().stream().map((r) -> key(r.name())).collect(Collectors.toSet());
		for (RoleView role : currentRoles.values()) {
			if (!wantedRoles.contains(key(role.name()))) {
				this.store.deleteRole(role.name(), null, changedBy);
			}
		}
	}

	private void applyGates(PolicyDocument document, String changedBy) {
		Map<String, Gate> current = byName(this.store.gates(), Gate::name);
		Set<String> wanted = document.gates().stream().map((g) -> key(g.name())).collect(Collectors.toSet());
		for (Gate gate : current.values()) {
			if (!wanted.contains(key(gate.name()))) {
				this.store.deleteGate(gate.name(), null, changedBy);
			}
		}
		for (Gate gate : document.gates()) {
			Gate existing = current.get(key(gate.name()));
			if (existing == null) {
				this.store.createGate(gate, changedBy);
			}
			else if (!existing.equals(gate)) {
				this.store.updateGate(existing.name(), gate, null, changedBy);
			}
		}
	}

	/** The changes {@link #apply} would make, in the order of the document's sections. */
	List<PolicyChange> diff(PolicyDocument document) {
		List<PolicyChange> changes = new ArrayList<>();
		Map<String, RoleView> currentRoles = byName(this.store.roles(), RoleView::name);
		document.roles()
			.forEach((role) -> compare(changes, "role", role.name(), currentRoles.get(key(role.name())), role));
		currentRoles.values()
			.stream()
			.filter((r) -> document.roles().stream().noneMatch((w) -> w.name().equalsIgnoreCase(r.name())))
			.forEach((r) -> changes.add(new PolicyChange("role", r.name(), PolicyChange.Action.DELETE)));
		List<RoleBinding> currentBindings = this.store.bindings();
		document.bindings()
			.stream()
			.filter((spec) -> currentBindings.stream().noneMatch(spec::sameAs))
			.forEach((spec) -> changes
				.add(new PolicyChange("role-binding", describe(spec), PolicyChange.Action.CREATE)));
		currentBindings.stream()
			.filter((b) -> document.bindings().stream().noneMatch((spec) -> spec.sameAs(b)))
			.forEach((b) -> changes
				.add(new PolicyChange("role-binding", describe(BindingSpec.of(b)), PolicyChange.Action.DELETE)));
		Map<String, Target> currentTargets = byName(this.store.targets(), Target::name);
		document.targets()
			.forEach((t) -> compare(changes, "target", t.name(), currentTargets.get(key(t.name())), t.stored()));
		currentTargets.values()
			.stream()
			.filter((t) -> document.targets().stream().noneMatch((w) -> w.name().equalsIgnoreCase(t.name())))
			.forEach((t) -> changes.add(new PolicyChange("target", t.name(), PolicyChange.Action.DELETE)));
		Map<String, RuleSpec> currentRules = byName(this.store.rules().stream().map(RuleSpec::of).toList(),
				RuleSpec::name);
		document.rules()
			.forEach((r) -> compare(changes, "rule", r.name(), currentRules.get(key(r.name())),
					RuleSpec.of(r.toRule(0))));
		currentRules.values()
			.stream()
			.filter((r) -> document.rules().stream().noneMatch((w) -> w.name().equalsIgnoreCase(r.name())))
			.forEach((r) -> changes.add(new PolicyChange("rule", r.name(), PolicyChange.Action.DELETE)));
		Map<String, Gate> currentGates = byName(this.store.gates(), Gate::name);
		document.gates().forEach((g) -> compare(changes, "gate", g.name(), currentGates.get(key(g.name())), g));
		currentGates.values()
			.stream()
			.filter((g) -> document.gates().stream().noneMatch((w) -> w.name().equalsIgnoreCase(g.name())))
			.forEach((g) -> changes.add(new PolicyChange("gate", g.name(), PolicyChange.Action.DELETE)));
		return changes;
	}

	private static <T> void compare(List<PolicyChange> changes, String resource, String name, T current, T wanted) {
		if (current == null) {
			changes.add(new PolicyChange(resource, name, PolicyChange.Action.CREATE));
		}
		else if (!current.equals(wanted)) {
			changes.add(new PolicyChange(resource, name, PolicyChange.Action.UPDATE));
		}
	}

	private static String describe(BindingSpec spec) {
		return spec.role() + " <- " + spec.subjectType() + " " + spec.subject()
				+ ((spec.projectKey() != null) ? " in " + spec.projectKey() : "");
	}

}
