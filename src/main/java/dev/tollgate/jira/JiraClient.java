package dev.tollgate.jira;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.tollgate.outbound.OutboundPolicy;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

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
 * <p>
 * The face the rest of Tollgate calls; the work is done by {@link JiraTransport} (one
 * call, its answer mapped), {@link JiraComments}, {@link JiraTransitions} and
 * {@link JiraMemberships} (groups and project roles).
 */
@Component
public class JiraClient implements DisposableBean {

	private final JiraTransport transport;

	private final JiraMemberships memberships;

	private final JiraComments comments;

	private final JiraTransitions transitions;

	JiraClient(JiraProperties properties, OutboundPolicy policy, ProjectRoleAccess roleAccess) {
		this.transport = new JiraTransport(properties, policy);
		this.memberships = new JiraMemberships(this.transport, roleAccess);
		this.comments = new JiraComments(this.transport);
		this.transitions = new JiraTransitions(this.transport);
	}

	/**
	 * The groups a user is a direct member of, each by its name and, where Jira gives
	 * one, its {@code groupId}: Atlassian is moving from names to ids, and an id still
	 * matches after the group is renamed. Empty if Jira does not know the account.
	 * @throws JiraUnavailable if Jira gives no usable answer
	 */
	public List<JiraGroup> groupsOf(String accountId) {
		return this.memberships.groupsOf(accountId);
	}

	/**
	 * The project's roles, name to id; empty if the project does not exist or is not
	 * visible.
	 * @throws JiraUnavailable if Jira gives no usable answer, also when it denies the
	 * look-up to Tollgate's account (the message names the missing permission)
	 */
	public Map<String, Long> projectRoles(String projectKey) {
		return this.memberships.projectRoles(projectKey);
	}

	/**
	 * The user and group actors of one project role; none if the project or role is gone.
	 * @throws JiraUnavailable if Jira gives no usable answer, also when it denies the
	 * look-up to Tollgate's account
	 */
	public ProjectRoleActors roleActors(String projectKey, long roleId) {
		return this.memberships.roleActors(projectKey, roleId);
	}

	/**
	 * Adds a comment ({@code body} is the request JSON: an ADF {@code body} and optional
	 * {@code visibility}) and returns its id.
	 * @throws JiraRejected if Jira refuses it for good (400, 403, 404 — the issue is gone
	 * or not visible —, 413, 422)
	 * @throws JiraUnavailable if it may work later (429, 5xx, timeouts, 401)
	 */
	public String addComment(String issueKey, Object body) {
		return this.comments.add(issueKey, body);
	}

	/**
	 * The id of a recent comment on the issue whose content contains {@code marker}, so a
	 * comment whose outcome was unknown (a timeout after sending) is not posted twice.
	 */
	public Optional<String> findComment(String issueKey, String marker) {
		return this.comments.find(issueKey, marker);
	}

	/** Whether a Jira site is configured at all (without one, nothing can be asked). */
	public boolean configured() {
		return this.transport.configured();
	}

	/**
	 * The name of the issue's current status; empty if the issue is gone or not visible.
	 * @throws JiraUnavailable if Jira gives no usable answer
	 */
	public Optional<String> status(String issueKey) {
		return this.transitions.status(issueKey);
	}

	/** The transitions available on the issue now: id, name and target status name. */
	public List<IssueTransition> transitions(String issueKey) {
		return this.transitions.available(issueKey);
	}

	/**
	 * Moves the issue through a transition.
	 * @throws JiraRejected if Jira refuses it for good
	 */
	public void transition(String issueKey, String transitionId) {
		this.transitions.move(issueKey, transitionId);
	}

	/** An available transition; {@code to} is the status it leads to. */
	public record IssueTransition(String id, @Nullable String name, @Nullable Status to) {

		public record Status(@Nullable String id, @Nullable String name) {
		}

	}

	@Override
	public void destroy() throws Exception {
		this.transport.destroy();
	}

}
