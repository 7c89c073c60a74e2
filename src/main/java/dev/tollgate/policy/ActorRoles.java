package dev.tollgate.policy;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Resolves an actor's Tollgate roles from the role bindings: their account id, their Jira
 * groups and their Jira project roles, each binding optionally limited to one project.
 * Pure; the Jira look-ups happen before, and only for the binding kinds that exist
 * ({@link #needs}).
 */
public final class ActorRoles {

	private ActorRoles() {
	}

	/**
	 * Whether any binding of this kind could apply to a transition in {@code projectKey}.
	 */
	public static boolean needs(PolicySnapshot snapshot, RoleBinding.SubjectType kind, String projectKey) {
		return snapshot.bindings().stream().anyMatch((b) -> b.subjectType() == kind && b.appliesTo(projectKey));
	}

	/**
	 * @param groups the actor's Jira groups, by name and by {@code groupId}, so that a
	 * {@code GROUP} binding may name either (one by id survives a rename)
	 * @param projectRoles the names of the Jira project roles the actor holds in
	 * {@code projectKey}
	 */
	public static Set<String> resolve(PolicySnapshot snapshot, String projectKey, String accountId, Set<String> groups,
			Set<String> projectRoles) {
		Set<String> groupNames = lower(groups);
		Set<String> roleNames = lower(projectRoles);
		return snapshot.bindings()
			.stream()
			.filter((binding) -> binding.appliesTo(projectKey))
			.filter((binding) -> switch (binding.subjectType()) {
				case USER -> accountId != null && binding.subject().equals(accountId);
				case GROUP -> groupNames.contains(binding.subject().strip().toLowerCase(Locale.ROOT));
				case PROJECT_ROLE -> roleNames.contains(binding.subject().strip().toLowerCase(Locale.ROOT));
			})
			.map(RoleBinding::role)
			.collect(Collectors.toUnmodifiableSet());
	}

	private static Set<String> lower(Set<String> names) {
		return names.stream().map((name) -> name.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
	}

}
