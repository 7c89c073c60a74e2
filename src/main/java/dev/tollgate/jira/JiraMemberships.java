package dev.tollgate.jira;

import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;

import dev.tollgate.outbound.OutboundHttp.Answer;
import org.springframework.http.HttpMethod;
import org.springframework.util.StringUtils;

/**
 * Identity look-ups: the groups a user is in, a project's roles and a role's actors.
 * Project-role look-ups are read with care: Jira answers them 401 or 404 also when the
 * account lacks <em>Administer Projects</em>, so the project itself is asked about before
 * a 404 is taken to mean "no such project".
 */
final class JiraMemberships {

	private static final Logger log = LoggerFactory.getLogger(JiraMemberships.class);

	private static final TypeReference<List<Group>> GROUPS = new TypeReference<>() {
	};

	private static final TypeReference<Map<String, String>> ROLE_URLS = new TypeReference<>() {
	};

	private static final TypeReference<Role> ROLE = new TypeReference<>() {
	};

	private final JiraTransport transport;

	private final ProjectRoleAccess roleAccess;

	JiraMemberships(JiraTransport transport, ProjectRoleAccess roleAccess) {
		this.transport = transport;
		this.roleAccess = roleAccess;
	}

	/** See {@link JiraClient#groupsOf}. */
	List<JiraGroup> groupsOf(String accountId) {
		return this.transport.get("/rest/api/3/user/groups?accountId={accountId}", GROUPS, accountId)
			.map((groups) -> groups.stream()
				.filter((group) -> group.name() != null || group.groupId() != null)
				.map((group) -> new JiraGroup(group.name(), group.groupId()))
				.toList())
			.orElse(List.of());
	}

	/** See {@link JiraClient#projectRoles}. */
	Map<String, Long> projectRoles(String projectKey) {
		String path = "/rest/api/3/project/{projectKey}/role";
		Map<String, String> urls = roleLookup(path, ROLE_URLS, projectKey, projectKey).orElse(Map.of());
		Map<String, Long> ids = new LinkedHashMap<>();
		urls.forEach((name, url) -> ids.put(name, roleId(path, url)));
		return Collections.unmodifiableMap(ids);
	}

	/** See {@link JiraClient#roleActors}. */
	ProjectRoleActors roleActors(String projectKey, long roleId) {
		return roleLookup("/rest/api/3/project/{projectKey}/role/{roleId}", ROLE, projectKey, projectKey, roleId)
			.map(Role::toActors)
			.orElse(ProjectRoleActors.NONE);
	}

	/**
	 * A read of a project-role endpoint. Atlassian documents 401 and 404 on these for an
	 * account without Administer Projects, and 404 for a missing project too: taking the
	 * 404 for "no roles" would deny every transition gated on a project role, silently,
	 * for the whole cache TTL. So the project itself (Browse Projects suffices) decides:
	 * it exists, so the look-up was denied; it is gone, so there are no roles.
	 */
	private <T> Optional<T> roleLookup(String path, TypeReference<T> type, String projectKey, Object... uriVariables) {
		String call = "GET " + path;
		Answer answer = this.transport.call(call, HttpMethod.GET, path, uriVariables, null);
		int status = answer.status();
		if (status == 401 || status == 404) {
			if (this.transport.get("/rest/api/3/project/{projectKey}", JiraTransport.NOTHING, projectKey).isPresent()) {
				if (this.roleAccess.denied(projectKey)) {
					log.warn("Jira denies the project roles of {} to Tollgate's account ({} answered {}): it needs {}",
							projectKey, call, status, ProjectRoleAccess.PERMISSION);
				}
				throw JiraUnavailable.rolesDenied(call, status, projectKey);
			}
			if (status == 401) {
				// The project is invisible and the roles refused: a credentials or
				// permission problem, never "no roles".
				throw JiraUnavailable.status(call, status, answer.retryAfter(Instant.now()));
			}
			this.roleAccess.answered(projectKey);
			return Optional.empty();
		}
		Optional<T> result = JiraTransport.read(call, answer, type);
		this.roleAccess.answered(projectKey);
		return result;
	}

	private static long roleId(String path, String roleUrl) {
		// Jira names roles by URL: .../project/10000/role/10002.
		String id = StringUtils.getFilename(URI.create(roleUrl).getPath());
		try {
			return Long.parseLong(Objects.requireNonNull(id));
		}
		catch (RuntimeException ex) {
			throw JiraUnavailable.unreadable("GET " + path, "a role URL does not end in a role id: " + roleUrl);
		}
	}

	private record Group(@Nullable String name, @Nullable String groupId) {
	}

	private record Role(@Nullable List<Actor> actors) {

		ProjectRoleActors toActors() {
			List<Actor> all = (this.actors != null) ? this.actors : List.of();
			Set<String> accountIds = all.stream()
				.map(Actor::actorUser)
				.filter(Objects::nonNull)
				.map(ActorUser::accountId)
				.filter(Objects::nonNull)
				.collect(Collectors.toSet());
			// Each with its groupId where Jira gives one: matched by id then, so the
			// group still matches after a rename.
			Set<JiraGroup> groups = all.stream()
				.map(Actor::actorGroup)
				.filter(Objects::nonNull)
				.map((group) -> new JiraGroup((group.name() != null) ? group.name() : group.displayName(),
						group.groupId()))
				.filter((group) -> group.name() != null || group.groupId() != null)
				.collect(Collectors.toSet());
			return new ProjectRoleActors(accountIds, groups);
		}

	}

	private record Actor(@Nullable ActorUser actorUser, @Nullable ActorGroup actorGroup) {
	}

	private record ActorUser(@Nullable String accountId) {
	}

	private record ActorGroup(@Nullable String name, @Nullable String displayName, @Nullable String groupId) {
	}

}
