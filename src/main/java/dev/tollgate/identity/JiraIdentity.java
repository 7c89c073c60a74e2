package dev.tollgate.identity;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.tollgate.jira.JiraClient;
import dev.tollgate.jira.JiraGroup;
import dev.tollgate.jira.ProjectRoleActors;
import dev.tollgate.jira.JiraUnavailable;
import org.springframework.stereotype.Component;

/**
 * An actor's Jira groups and project roles. Answers are cached for
 * {@code tollgate.identity.cache-ttl}; failures are not, so the next attempt asks Jira
 * again. Concurrent look-ups of the same key share one Jira call.
 */
@Component
public class JiraIdentity {

	// Bounds memory however many actors and projects pass through; a miss costs only a
	// Jira call.
	private static final long MAX_CACHED = 10_000;

	private final JiraClient jira;

	private final Cache<String, List<JiraGroup>> groups;

	private final Cache<String, List<Role>> projectRoles;

	JiraIdentity(IdentityProperties properties, JiraClient jira) {
		this.jira = jira;
		this.groups = Caffeine.newBuilder().expireAfterWrite(properties.cacheTtl()).maximumSize(MAX_CACHED).build();
		this.projectRoles = Caffeine.newBuilder()
			.expireAfterWrite(properties.cacheTtl())
			.maximumSize(MAX_CACHED)
			.build();
	}

	/**
	 * What a {@code GROUP} binding may name of the groups the actor is a member of: each
	 * group's name, and its {@code groupId} where Jira gives one (a binding by id still
	 * matches after a rename; a binding by name matches the group's name now). Empty for
	 * an account Jira does not know.
	 * @throws JiraUnavailable if Jira gives no usable answer (retry later; never treat as
	 * "no groups")
	 */
	public Set<String> groupsOf(String accountId) {
		return names(groups(accountId));
	}

	/**
	 * {@link #groupsOf} as far as the cache knows it, without asking Jira: empty when the
	 * answer is not cached (then only {@link #groupsOf} can tell).
	 */
	public Optional<Set<String>> cachedGroupsOf(String accountId) {
		return Optional.ofNullable(this.groups.getIfPresent(accountId)).map(JiraIdentity::names);
	}

	private static Set<String> names(List<JiraGroup> groups) {
		return groups.stream()
			.flatMap((group) -> Stream.of(group.name(), group.groupId()))
			.filter(Objects::nonNull)
			.collect(Collectors.toUnmodifiableSet());
	}

	private List<JiraGroup> groups(String accountId) {
		return this.groups.get(accountId, (id) -> List.copyOf(this.jira.groupsOf(id)));
	}

	/**
	 * The names of the project roles the actor holds in the project, as a user actor or
	 * through a group actor; empty for a project Jira does not know.
	 * @throws JiraUnavailable if Jira gives no usable answer (retry later; never treat as
	 * "no roles")
	 */
	public Set<String> projectRolesOf(String projectKey, String accountId) {
		List<Role> roles = this.projectRoles.get(projectKey, this::loadRoles);
		// Only ask for the actor's groups when a group could make a difference.
		List<JiraGroup> actorGroups = needsGroups(roles) ? groups(accountId) : List.of();
		return held(roles, accountId, actorGroups);
	}

	/**
	 * {@link #projectRolesOf} as far as the cache knows it, without asking Jira: empty
	 * when the project's roles, or the actor's groups where a role has group actors, are
	 * not cached.
	 */
	public Optional<Set<String>> cachedProjectRolesOf(String projectKey, String accountId) {
		List<Role> roles = this.projectRoles.getIfPresent(projectKey);
		if (roles == null) {
			return Optional.empty();
		}
		List<JiraGroup> actorGroups = needsGroups(roles) ? this.groups.getIfPresent(accountId) : List.of();
		return (actorGroups != null) ? Optional.of(held(roles, accountId, actorGroups)) : Optional.empty();
	}

	private static boolean needsGroups(List<Role> roles) {
		return roles.stream().anyMatch((role) -> !role.groups().isEmpty());
	}

	private static Set<String> held(List<Role> roles, String accountId, List<JiraGroup> actorGroups) {
		// A group actor and a membership are the same group by groupId when both carry
		// one, else by name: never a name against an id, nor two groups of one name
		// whose ids differ.
		return roles.stream()
			.filter((role) -> role.accountIds().contains(accountId)
					|| role.groups().stream().anyMatch((actor) -> actorGroups.stream().anyMatch(actor::sameAs)))
			.map(Role::name)
			.collect(Collectors.toUnmodifiableSet());
	}

	private List<Role> loadRoles(String projectKey) {
		return this.jira.projectRoles(projectKey).entrySet().stream().map((entry) -> {
			ProjectRoleActors actors = this.jira.roleActors(projectKey, entry.getValue());
			return new Role(entry.getKey(), actors.accountIds(), actors.groups());
		}).toList();
	}

	/** One project role and who holds it. */
	private record Role(String name, Set<String> accountIds, Set<JiraGroup> groups) {
	}

}
