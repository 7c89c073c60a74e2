package dev.tollgate.jira;

import java.util.Set;

/**
 * Who holds one Jira project role.
 *
 * @param accountIds the account ids of the user actors
 * @param groups the group actors, each by its name and, where Jira gives one, its
 * {@code groupId} (which survives a rename; see {@link JiraGroup#sameAs}); their members
 * hold the role too
 */
public record ProjectRoleActors(Set<String> accountIds, Set<JiraGroup> groups) {

	public ProjectRoleActors {
		accountIds = Set.copyOf(accountIds);
		groups = Set.copyOf(groups);
	}

	static final ProjectRoleActors NONE = new ProjectRoleActors(Set.of(), Set.of());

}
