package dev.tollgate.jira;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
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
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.outbound.OutboundHttp;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.outbound.OutboundHttp.Unreachable;
import dev.tollgate.outbound.OutboundRefused;
import dev.tollgate.outbound.RetryAfter;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Jira Cloud REST v3, with Basic auth ({@code email:apiToken}) against the configured
 * base URL (site URL or {@code api.atlassian.com/ex/jira/{cloudId}}), through the
 * {@link OutboundPolicy}.
 * <p>
 * Look-ups answer empty when Jira says 404. Everything else that is not a success throws
 * {@link JiraUnavailable}: 429, 5xx, timeouts, connection failures, and also 401/403,
 * because a misconfigured token must make the caller retry and fail visibly, never decide
 * "no roles". Project-role look-ups are the exception to the 404 rule: Jira answers them
 * 401 or 404 also when the account lacks <em>Administer Projects</em>, so the project
 * itself is asked about before a 404 is taken to mean "no such project".
 */
@Component
public class JiraClient implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(JiraClient.class);

	/**
	 * Bigger answers are refused rather than read: no legitimate look-up comes near it.
	 */
	static final int MAX_RESPONSE_BYTES = OutboundHttp.MAX_RESPONSE_BYTES;

	/**
	 * Comments per page, and how many of the newest, a retried comment job looks through
	 * for its own.
	 */
	static final int FIND_COMMENT_PAGE = 10;

	static final int FIND_COMMENT_DEPTH = 100;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final TypeReference<List<Group>> GROUPS = new TypeReference<>() {
	};

	private static final TypeReference<Map<String, String>> ROLE_URLS = new TypeReference<>() {
	};

	private static final TypeReference<Role> ROLE = new TypeReference<>() {
	};

	private static final TypeReference<Created> CREATED = new TypeReference<>() {
	};

	private static final TypeReference<CommentPage> COMMENTS = new TypeReference<>() {
	};

	private static final TypeReference<TransitionPage> TRANSITIONS = new TypeReference<>() {
	};

	private static final TypeReference<tools.jackson.databind.JsonNode> ISSUE_STATUS = new TypeReference<>() {
	};

	private static final TypeReference<Object> NOTHING = new TypeReference<>() {
	};

	private final @Nullable OutboundHttp http;

	private final ProjectRoleAccess roleAccess;

	JiraClient(JiraProperties properties, OutboundPolicy policy, ProjectRoleAccess roleAccess) {
		this.roleAccess = roleAccess;
		URI baseUrl = properties.baseUrl();
		if (baseUrl == null) {
			log.warn("tollgate.jira.base-url (TOLLGATE_JIRA_BASE_URL) is not set: Jira comments wait, parked, and "
					+ "decisions that need a Jira look-up (group or project-role bindings) wait and retry until it is "
					+ "set and Tollgate restarted");
			this.http = null;
			return;
		}
		try {
			policy.checkUrl(baseUrl);
		}
		catch (OutboundRefused ex) {
			// Start anyway: every call fails with this reason, so the jobs that need Jira
			// show it.
			log.warn("tollgate.jira.base-url will be refused: {}", ex.getMessage());
		}
		String email = properties.userEmail();
		String token = properties.apiToken();
		boolean credentials = StringUtils.hasText(email) && StringUtils.hasText(token);
		if (!credentials) {
			log.warn("tollgate.jira.user-email or tollgate.jira.api-token is not set: Jira will answer 401");
		}
		this.http = new OutboundHttp(policy, properties.connectTimeout(), properties.readTimeout(), (builder) -> {
			// Paths are appended, so a /ex/jira/{cloudId} prefix is kept.
			builder.baseUrl(StringUtils.trimTrailingCharacter(baseUrl.toString(), '/'))
				.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE);
			if (credentials) {
				builder.defaultHeaders((headers) -> headers.setBasicAuth(email, token, StandardCharsets.UTF_8));
			}
		});
	}

	/**
	 * The groups a user is a direct member of, each by its name and, where Jira gives
	 * one, its {@code groupId}: Atlassian is moving from names to ids, and an id still
	 * matches after the group is renamed. Empty if Jira does not know the account.
	 * @throws JiraUnavailable if Jira gives no usable answer
	 */
	public List<String> groupsOf(String accountId) {
		return get("/rest/api/3/user/groups?accountId={accountId}", GROUPS, accountId)
			.map((groups) -> groups.stream()
				.flatMap((group) -> java.util.stream.Stream.of(group.name(), group.groupId()))
				.filter(Objects::nonNull)
				.toList())
			.orElse(List.of());
	}

	/**
	 * The project's roles, name to id; empty if the project does not exist or is not
	 * visible.
	 * @throws JiraUnavailable if Jira gives no usable answer, also when it denies the
	 * look-up to Tollgate's account (the message names the missing permission)
	 */
	public Map<String, Long> projectRoles(String projectKey) {
		String path = "/rest/api/3/project/{projectKey}/role";
		Map<String, String> urls = roleLookup(path, ROLE_URLS, projectKey, projectKey).orElse(Map.of());
		Map<String, Long> ids = new LinkedHashMap<>();
		urls.forEach((name, url) -> ids.put(name, roleId(path, url)));
		return Collections.unmodifiableMap(ids);
	}

	/**
	 * The user and group actors of one project role; none if the project or role is gone.
	 * @throws JiraUnavailable if Jira gives no usable answer, also when it denies the
	 * look-up to Tollgate's account
	 */
	public ProjectRoleActors roleActors(String projectKey, long roleId) {
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
		Answer answer = call(call, HttpMethod.GET, path, uriVariables, null);
		int status = answer.status();
		if (status == 401 || status == 404) {
			if (get("/rest/api/3/project/{projectKey}", NOTHING, projectKey).isPresent()) {
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
		Optional<T> result = read(call, answer, type);
		this.roleAccess.answered(projectKey);
		return result;
	}

	/**
	 * Adds a comment ({@code body} is the request JSON: an ADF {@code body} and optional
	 * {@code visibility}) and returns its id.
	 * @throws JiraRejected if Jira refuses it for good (400, 403, 404 — the issue is gone
	 * or not visible —, 413, 422)
	 * @throws JiraUnavailable if it may work later (429, 5xx, timeouts, 401)
	 */
	public String addComment(String issueKey, Object body) {
		return send(HttpMethod.POST, "/rest/api/3/issue/{issueKey}/comment", body, CREATED, issueKey).map(Created::id)
			.orElseThrow(() -> JiraUnavailable.unreadable("POST comment", "no comment id in the answer"));
	}

	/**
	 * The id of a recent comment on the issue whose content contains {@code marker}, so a
	 * comment whose outcome was unknown (a timeout after sending) is not posted twice.
	 */
	public Optional<String> findComment(String issueKey, String marker) {
		// Small pages: a hundred comments with pasted logs can pass the read limit in one
		// answer,
		// and an unreadable answer fails the comment job until it is dead.
		for (int startAt = 0; startAt < FIND_COMMENT_DEPTH; startAt += FIND_COMMENT_PAGE) {
			CommentPage page = get(
					"/rest/api/3/issue/{issueKey}/comment?orderBy=-created&startAt={startAt}&maxResults={max}",
					COMMENTS, issueKey, startAt, FIND_COMMENT_PAGE)
				.orElse(null);
			if (page == null || page.comments() == null || page.comments().isEmpty()) {
				return Optional.empty();
			}
			Optional<String> found = page.comments()
				.stream()
				.filter((comment) -> comment.toString().contains(marker))
				.findFirst()
				.map((comment) -> comment.path("id").asString());
			if (found.isPresent()) {
				return found;
			}
			int seen = startAt + page.comments().size();
			if ((page.total() != null) ? seen >= page.total() : page.comments().size() < FIND_COMMENT_PAGE) {
				return Optional.empty();
			}
		}
		return Optional.empty();
	}

	/** Whether a Jira site is configured at all (without one, nothing can be asked). */
	public boolean configured() {
		return this.http != null;
	}

	/**
	 * The name of the issue's current status; empty if the issue is gone or not visible.
	 * @throws JiraUnavailable if Jira gives no usable answer
	 */
	public Optional<String> status(String issueKey) {
		return get("/rest/api/3/issue/{issueKey}?fields=status", ISSUE_STATUS, issueKey)
			.map((issue) -> issue.path("fields").path("status").path("name").asString(null));
	}

	/** The transitions available on the issue now: id, name and target status name. */
	public List<IssueTransition> transitions(String issueKey) {
		return get("/rest/api/3/issue/{issueKey}/transitions", TRANSITIONS, issueKey)
			.map((page) -> (page.transitions() != null) ? page.transitions() : List.<IssueTransition>of())
			.orElse(List.of());
	}

	/**
	 * Moves the issue through a transition.
	 * @throws JiraRejected if Jira refuses it for good
	 */
	public void transition(String issueKey, String transitionId) {
		send(HttpMethod.POST, "/rest/api/3/issue/{issueKey}/transitions",
				Map.of("transition", Map.of("id", transitionId)), NOTHING, issueKey);
	}

	/** An available transition; {@code to} is the status it leads to. */
	public record IssueTransition(String id, @Nullable String name, @Nullable Status to) {

		public record Status(@Nullable String id, @Nullable String name) {
		}

	}

	@Override
	public void destroy() throws Exception {
		if (this.http != null) {
			this.http.destroy();
		}
	}

	private <T> Optional<T> get(String path, TypeReference<T> type, Object... uriVariables) {
		return exchange(HttpMethod.GET, path, type, uriVariables);
	}

	/**
	 * A write: a JSON body, and client errors that retrying cannot fix are
	 * {@link JiraRejected}.
	 */
	private <T> Optional<T> send(HttpMethod method, String path, Object body, TypeReference<T> type,
			Object... uriVariables) {
		String call = method.name() + " " + path;
		Answer answer = call(call, method, path, uriVariables, JSON.writeValueAsBytes(body));
		int status = answer.status();
		if (status == 400 || status == 403 || status == 404 || status == 413 || status == 422) {
			throw new JiraRejected(call, status, errorMessage(answer.body()));
		}
		if (status == 204) {
			return Optional.empty();
		}
		return read(call, answer, type);
	}

	/**
	 * Jira's own error text ({@code errorMessages}, {@code errors}), bounded; never our
	 * request.
	 */
	private static String errorMessage(byte[] body) {
		try {
			// Only the start: an error text worth quoting is short.
			var node = JSON.readTree((body.length > 16 * 1024) ? Arrays.copyOf(body, 16 * 1024) : body);
			String text = node.path("errorMessages").toString() + " " + node.path("errors").toString();
			return (text.length() > 300) ? text.substring(0, 300) : text;
		}
		catch (JacksonException ex) {
			return "";
		}
	}

	/**
	 * One read from Jira, with its failures mapped (writes go through {@link #send},
	 * whose client errors are permanent).
	 * @param path a URI template; it, not the expanded URI, appears in messages
	 * @return the parsed body, or empty on 404
	 */
	private <T> Optional<T> exchange(HttpMethod method, String path, TypeReference<T> type, Object... uriVariables) {
		String call = method.name() + " " + path;
		return read(call, call(call, method, path, uriVariables, null), type);
	}

	private Answer call(String call, HttpMethod method, String path, Object[] uriVariables, byte @Nullable [] body) {
		if (this.http == null) {
			throw JiraUnavailable.notConfigured();
		}
		try {
			return this.http.exchange(method, path, uriVariables, (headers) -> {
			}, body, MediaType.APPLICATION_JSON);
		}
		catch (OutboundRefused ex) {
			throw JiraUnavailable.refused(call, ex);
		}
		catch (Unreachable ex) {
			throw JiraUnavailable.unreachable(call, ex.reason());
		}
	}

	private static <T> Optional<T> read(String call, Answer answer, TypeReference<T> type) {
		int status = answer.status();
		if (status == 404) {
			return Optional.empty();
		}
		if (!answer.successful()) {
			throw JiraUnavailable.status(call, status, answer.retryAfter(Instant.now()));
		}
		if (answer.truncated()) {
			throw JiraUnavailable.unreadable(call, "the response is larger than " + MAX_RESPONSE_BYTES + " bytes");
		}
		try {
			return Optional.of(JSON.readValue(answer.body(), type));
		}
		catch (JacksonException ex) {
			throw JiraUnavailable.unreadable(call, "not the expected JSON (" + ex.getOriginalMessage() + ")");
		}
	}

	static @Nullable Instant parseRetryAfter(@Nullable String value, Instant now) {
		return RetryAfter.parse(value, now);
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

	private record Created(String id) {
	}

	private record CommentPage(@Nullable List<tools.jackson.databind.JsonNode> comments, @Nullable Integer total) {
	}

	private record TransitionPage(@Nullable List<IssueTransition> transitions) {
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
			// By name and by groupId: the actor's groups carry both, so either matches,
			// and the id still does after a rename.
			Set<String> groups = all.stream()
				.map(Actor::actorGroup)
				.filter(Objects::nonNull)
				.flatMap((group) -> java.util.stream.Stream
					.of((group.name() != null) ? group.name() : group.displayName(), group.groupId()))
				.filter(Objects::nonNull)
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
