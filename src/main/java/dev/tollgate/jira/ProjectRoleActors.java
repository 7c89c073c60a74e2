package dev.tollgate.jira;

import java.util.Set;

/**
 * Who holds one Jira project role.
 *
 * @param accountIds the account ids of the user actors
 * @param groupNames the names of the group actors; their members hold the role too
 */
public record ProjectRoleActors(Set<String> accountIds, Set<String> groupNames) {

	public ProjectRoleActors {
		accountIds = Set.copyOf(accountIds);
		groupNames = Set.copyOf(groupNames);
	}

	static final ProjectRoleActors NONE = new ProjectRoleActors(Set.of(), Set.of());

}
