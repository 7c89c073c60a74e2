package dev.tollgate.policy;

import java.util.List;

import jakarta.validation.Valid;

/**
 * The whole policy as code: what {@code GET /policy} exports and {@code PUT /policy}
 * applies.
 */
public record PolicyDocument(List<@Valid RoleView> roles, List<@Valid BindingSpec> bindings,
		List<@Valid Target> targets, List<@Valid RuleSpec> rules, List<@Valid Gate> gates) {

	public PolicyDocument {
		roles = (roles != null) ? List.copyOf(roles) : List.of();
		bindings = (bindings != null) ? List.copyOf(bindings) : List.of();
		targets = (targets != null) ? List.copyOf(targets) : List.of();
		rules = (rules != null) ? List.copyOf(rules) : List.of();
		gates = (gates != null) ? List.copyOf(gates) : List.of();
	}

}
