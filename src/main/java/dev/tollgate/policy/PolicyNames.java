package dev.tollgate.policy;

import java.util.Set;

/** Shared name rules of policy objects. */
final class PolicyNames {

	static final String NAME = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$";

	static final String NAME_MESSAGE = "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit";

	/** The template variables a target may use. */
	static final Set<String> TEMPLATE_VARIABLES = Set.of("issue.key", "issue.id", "issue.type", "project.key",
			"transition.from", "transition.to", "actor.accountId", "decision.id");

	private PolicyNames() {
	}

}
