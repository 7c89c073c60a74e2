package dev.tollgate.identity;

import java.util.Optional;
import java.util.Set;

import dev.tollgate.policy.ActorRoles;
import dev.tollgate.policy.PolicySnapshot;
import dev.tollgate.policy.RoleBinding;
import org.springframework.stereotype.Component;

/**
 * An actor's Tollgate roles in a project: their USER bindings, plus GROUP and
 * PROJECT_ROLE bindings resolved through Jira — asked only when bindings of that kind
 * could apply.
 */
@Component
public class ActorRoleResolver {

	private final JiraIdentity identity;

	ActorRoleResolver(JiraIdentity identity) {
		this.identity = identity;
	}

	/**
	 * @throws dev.tollgate.jira.JiraUnavailable when Jira must be asked and cannot
	 * answer; callers retry, never treat it as "no roles"
	 */
	public Set<String> rolesOf(PolicySnapshot snapshot, String projectKey, String accountId) {
		if (accountId == null) {
			return Set.of();
		}
		Set<String> groups = ActorRoles.needs(snapshot, RoleBinding.SubjectType.GROUP, projectKey)
				? this.identity.groupsOf(accountId) : Set.of();
		Set<String> projectRoles = ActorRoles.needs(snapshot, RoleBinding.SubjectType.PROJECT_ROLE, projectKey)
				? this.identity.projectRolesOf(projectKey, accountId) : Set.of();
		return ActorRoles.resolve(snapshot, projectKey, accountId, groups, projectRoles);
	}

	/**
	 * {@link #rolesOf} from what is known without a network call: USER bindings, and
	 * GROUP and PROJECT_ROLE bindings only where Jira's answer is cached. Empty when Jira
	 * would have to be asked; then only {@link #rolesOf} can tell.
	 */
	public Optional<Set<String>> cachedRolesOf(PolicySnapshot snapshot, String projectKey, String accountId) {
		if (accountId == null) {
			return Optional.of(Set.of());
		}
		Optional<Set<String>> groups = ActorRoles.needs(snapshot, RoleBinding.SubjectType.GROUP, projectKey)
				? this.identity.cachedGroupsOf(accountId) : Optional.of(Set.of());
		if (groups.isEmpty()) {
			return Optional.empty();
		}
		Optional<Set<String>> projectRoles = ActorRoles.needs(snapshot, RoleBinding.SubjectType.PROJECT_ROLE,
				projectKey) ? this.identity.cachedProjectRolesOf(projectKey, accountId) : Optional.of(Set.of());
		return projectRoles.map((roles) -> ActorRoles.resolve(snapshot, projectKey, accountId, groups.get(), roles));
	}

}
