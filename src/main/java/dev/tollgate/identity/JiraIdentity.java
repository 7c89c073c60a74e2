package dev.tollgate.identity;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.tollgate.jira.JiraClient;
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

	private final Cache<String, Set<String>> groups;

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
	 * The Jira groups the actor is a member of, by name and by {@code groupId}; empty for
	 * an account Jira does not know.
	 * @throws JiraUnavailable if Jira gives no usable answer (retry later; never treat as
	 * "no groups")
	 */
	public Set<String> groupsOf(String accountId) {
		return this.groups.get(accountId, (id) -> Set.copyOf(this.jira.groupsOf(id)));
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
		Set<String> actorGroups = roles.stream().anyMatch((role) -> !role.groups().isEmpty())
				? lowerCase(groupsOf(accountId)) : Set.of();
		return roles.stream()
			.filter((role) -> role.accountIds().contains(accountId)
					|| role.groups().stream().anyMatch(actorGroups::contains))
			.map(Role::name)
			.collect(Collectors.toUnmodifiableSet());
	}

	private List<Role> loadRoles(String projectKey) {
		return this.jira.projectRoles(projectKey).entrySet().stream().map((entry) -> {
			ProjectRoleActors actors = this.jira.roleActors(projectKey, entry.getValue());
			return new Role(entry.getKey(), actors.accountIds(), lowerCase(actors.groups()));
		}).toList();
	}

	// Jira group names are case-insensitive.
	private static Set<String> lowerCase(Set<String> names) {
		return names.stream().map((name) -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
	}

	/** One project role and who holds it; group names and ids lower-cased. */
	private record Role(String name, Set<String> accountIds, Set<String> groups) {
	}

}
