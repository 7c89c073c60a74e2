package dev.tollgate.approval;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import dev.tollgate.policy.Rule;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** All SQL of the approval module: {@code approval_request} and {@code approval_vote}. */
@Repository
class ApprovalRepository {

	private final JdbcClient jdbc;

	ApprovalRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Opens a request; empty if the decision has one already. */
	Optional<Long> insert(Rule rule, GatedTransition transition, Instant expiresAt) {
		Rule.Approval gate = rule.approval();
		return this.jdbc
			.sql("""
					INSERT INTO tollgate.approval_request (decision_id, rule_id, rule_name, target, required, approver_roles,
					    separation_of_duties, comment, requester_account_id, delivery_id, issue_id, issue_key, project_key,
					    issue_type, from_status, to_status, expires_at)
					VALUES (:decisionId, :ruleId, :ruleName, :target, :required, :roles, :sod, :comment, :requester, :deliveryId,
					    :issueId, :issueKey, :projectKey, :issueType, :fromStatus, :toStatus, :expiresAt)
					ON CONFLICT (decision_id) DO NOTHING
					RETURNING id
					""")
			.param("decisionId", transition.decisionId())
			.param("ruleId", rule.id())
			.param("ruleName", rule.name())
			.param("target", rule.target())
			.param("required", gate.required())
			.param("roles", gate.approverRoles().toArray(String[]::new))
			.param("sod", gate.separationOfDuties())
			.param("comment", rule.comment())
			.param("requester", transition.requesterAccountId())
			.param("deliveryId", transition.deliveryId())
			.param("issueId", transition.issueId())
			.param("issueKey", transition.issueKey())
			.param("projectKey", transition.projectKey())
			.param("issueType", transition.issueType())
			.param("fromStatus", transition.fromStatus())
			.param("toStatus", transition.toStatus())
			.param("expiresAt", (expiresAt != null) ? Timestamp.from(expiresAt) : null, Types.TIMESTAMP)
			.query(Long.class)
			.optional();
	}

	/**
	 * Cancels the issue's pending requests gated on {@code gatedStatus}; returns their
	 * ids.
	 */
	List<Long> cancelPendingGatedOn(String issueId, String gatedStatus, String reason) {
		return this.jdbc.sql("""
				UPDATE tollgate.approval_request SET status = 'CANCELLED', closed_at = now(),
				    close_reason = :reason
				WHERE issue_id = :issueId AND status = 'PENDING' AND lower(to_status) = lower(:from)
				RETURNING id
				""")
			.param("reason", reason)
			.param("issueId", issueId)
			.param("from", gatedStatus)
			.query(Long.class)
			.list();
	}

	/** Which of these issues have a pending request; one statement. */
	List<String> issuesPending(String[] issueIds) {
		return this.jdbc.sql("""
				SELECT DISTINCT issue_id FROM tollgate.approval_request
				WHERE issue_id = ANY(CAST(:issueIds AS text[])) AND status = 'PENDING'
				""").param("issueIds", new SqlParameterValue(Types.ARRAY, issueIds)).query(String.class).list();
	}

	/** The issue's open request (the most recent). */
	Optional<Approvals.Stored> pendingFor(String issueId) {
		return this.jdbc.sql("""
				SELECT * FROM tollgate.approval_request WHERE issue_id = :issueId AND status = 'PENDING'
				ORDER BY id DESC LIMIT 1
				""").param("issueId", issueId).query(ApprovalRepository::map).optional();
	}

	/** The newest request opened for this decision. */
	Optional<Approvals.Stored> forDecision(java.util.UUID decisionId) {
		return this.jdbc.sql("SELECT * FROM tollgate.approval_request WHERE decision_id = :id ORDER BY id DESC LIMIT 1")
			.param("id", decisionId)
			.query(ApprovalRepository::map)
			.optional();
	}

	/**
	 * The request's status, read under a share lock: waits for a transaction closing it
	 * to commit, and holds back one that has not started to.
	 */
	Optional<ApprovalStatus> lockedStatus(long id) {
		return this.jdbc.sql("SELECT status FROM tollgate.approval_request WHERE id = :id FOR SHARE")
			.param("id", id)
			.query((rs, row) -> ApprovalStatus.valueOf(rs.getString(1)))
			.optional();
	}

	Optional<Approvals.Stored> find(long id) {
		return this.jdbc.sql("SELECT * FROM tollgate.approval_request WHERE id = :id")
			.param("id", id)
			.query(ApprovalRepository::map)
			.optional();
	}

	/**
	 * A request's status and whether {@code voter} has voted on it; empty if there is no
	 * such request.
	 */
	Optional<Approvals.VoteState> voteState(long id, String voter) {
		return this.jdbc
			.sql("""
					SELECT r.status, EXISTS (SELECT 1 FROM tollgate.approval_vote v WHERE v.request_id = r.id AND v.voter = :voter)
					FROM tollgate.approval_request r WHERE r.id = :id
					""")
			.param("id", id)
			.param("voter", voter)
			.query((rs, n) -> (ApprovalStatus.valueOf(rs.getString(1)) != ApprovalStatus.PENDING)
					? Approvals.VoteState.CLOSED
					: rs.getBoolean(2) ? Approvals.VoteState.ALREADY_VOTED : Approvals.VoteState.OPEN)
			.optional();
	}

	/**
	 * A request locked for this transaction, and the database's clock, which deadlines
	 * are measured by.
	 */
	record Locked(Approvals.Stored request, Instant now) {
	}

	/**
	 * Locks the request's row: serialises concurrent votes and the expiry on one request.
	 */
	Optional<Locked> lock(long id) {
		return this.jdbc.sql("SELECT *, now() AS db_now FROM tollgate.approval_request WHERE id = :id FOR UPDATE")
			.param("id", id)
			.query((rs, n) -> new Locked(map(rs, n), rs.getTimestamp("db_now").toInstant()))
			.optional();
	}

	/** The votes counted on a request, in the order cast. */
	List<ApprovalGate.Vote> votes(long requestId) {
		return this.jdbc.sql("SELECT voter, vote FROM tollgate.approval_vote WHERE request_id = :id ORDER BY id")
			.param("id", requestId)
			.query((rs, n) -> new ApprovalGate.Vote(rs.getString("voter"), "APPROVE".equals(rs.getString("vote"))))
			.list();
	}

	/**
	 * Stores a vote; false if this voter has one on the request already (one vote per
	 * person).
	 */
	boolean insertVote(long requestId, VoteRequest vote) {
		return this.jdbc.sql("""
				INSERT INTO tollgate.approval_vote (request_id, voter, vote, reason, source)
				VALUES (:request, :voter, :vote, :reason, :source)
				ON CONFLICT (request_id, voter) DO NOTHING
				""")
			.param("request", requestId)
			.param("voter", vote.voter())
			.param("vote", vote.approve() ? "APPROVE" : "DENY")
			.param("reason", vote.reason())
			.param("source", vote.source().name())
			.update() > 0;
	}

	/**
	 * Notes that a vote by {@code voter} on the request was refused; false if one was
	 * already: a refusal is explained once per voter and request.
	 */
	boolean firstRefusal(long requestId, String voter) {
		return this.jdbc.sql("""
				INSERT INTO tollgate.approval_refusal (request_id, voter) VALUES (:request, :voter)
				ON CONFLICT (request_id, voter) DO NOTHING
				""").param("request", requestId).param("voter", voter).update() > 0;
	}

	/** Closes a request that is still pending. */
	void close(long id, ApprovalStatus status, String reason) {
		this.jdbc.sql("""
				UPDATE tollgate.approval_request SET status = :status, closed_at = now(), close_reason = :reason
				WHERE id = :id AND status = 'PENDING'
				""").param("status", status.name()).param("reason", reason).param("id", id).update();
	}

	/**
	 * The most recent requests, of one status (any name, any case) or of all when it is
	 * blank.
	 */
	List<Approvals.Stored> list(String status, int limit) {
		return this.jdbc.sql("""
				SELECT * FROM tollgate.approval_request WHERE (CAST(:status AS text) IS NULL OR status = :status)
				ORDER BY id DESC LIMIT :limit
				""")
			.param("status", (status != null && !status.isBlank()) ? status.toUpperCase(Locale.ROOT) : null,
					Types.VARCHAR)
			.param("limit", Math.max(1, Math.min(limit, 500)))
			.query(ApprovalRepository::map)
			.list();
	}

	/** A request's votes as the admin API shows them. */
	List<ApprovalRequest.Vote> votesShown(long requestId) {
		return this.jdbc
			.sql("""
					SELECT voter, vote, reason, source, created_at FROM tollgate.approval_vote WHERE request_id = :id ORDER BY id
					""")
			.param("id", requestId)
			.query((rs, n) -> new ApprovalRequest.Vote(rs.getString("voter"), rs.getString("vote"),
					rs.getString("reason"), rs.getString("source"), rs.getTimestamp("created_at").toInstant()))
			.list();
	}

	private static Approvals.Stored map(ResultSet rs, int row) throws SQLException {
		Array roles = rs.getArray("approver_roles");
		return new Approvals.Stored(rs.getLong("id"), rs.getObject("decision_id", UUID.class),
				ApprovalStatus.valueOf(rs.getString("status")), rs.getLong("rule_id"), rs.getString("rule_name"),
				rs.getString("target"), rs.getInt("required"), Arrays.asList((String[]) roles.getArray()),
				rs.getBoolean("separation_of_duties"), rs.getBoolean("comment"), rs.getString("requester_account_id"),
				rs.getString("delivery_id"), rs.getString("issue_id"), rs.getString("issue_key"),
				rs.getString("project_key"), rs.getString("issue_type"), rs.getString("from_status"),
				rs.getString("to_status"), instant(rs.getTimestamp("created_at")),
				instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("closed_at")),
				rs.getString("close_reason"));
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
