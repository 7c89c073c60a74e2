package dev.tollgate.gate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.tollgate.pipeline.GateAsk;
import dev.tollgate.policy.Gate;
import dev.tollgate.policy.Target;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code gate_review} table. The verdict is written once, from {@code WAITING} only,
 * so the first decision wins and a retried answer repeats it.
 */
@Repository
class GateReviews {

	private final JdbcClient jdbc;

	private final JsonMapper json;

	GateReviews(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/** A review as stored, with the question it answers. */
	record Stored(GateReview review, GateAsk ask, boolean noted) {

		long id() {
			return this.review.id();
		}

		boolean waiting() {
			return GateReview.Status.WAITING.name().equals(this.review.status());
		}

	}

	/**
	 * A new review; empty if this gate already has one of this subject and environment.
	 */
	Optional<Long> insert(Gate gate, Target target, GateAsk ask, Instant waitUntil) {
		return this.jdbc.sql("""
				INSERT INTO tollgate.gate_review (gate, provider, target, subject, environment, run_url, issue_key,
				    decision_id, ask, wait_until, dry_run)
				VALUES (:gate, :provider, :target, :subject, :environment, :runUrl, :issueKey, :decisionId,
				    CAST(:ask AS jsonb), :waitUntil, :dryRun)
				ON CONFLICT (gate, provider, subject, environment) DO NOTHING
				RETURNING id
				""")
			.param("gate", gate.name())
			.param("provider", ask.provider().name())
			.param("target", target.name())
			.param("subject", ask.scope() + "#" + ask.subject())
			.param("environment", ask.environment().strip().toLowerCase(java.util.Locale.ROOT))
			.param("runUrl", ask.runUrl(), Types.VARCHAR)
			.param("issueKey", ask.issueKey(), Types.VARCHAR)
			.param("decisionId", ask.decisionId(), Types.OTHER)
			.param("ask", this.json.writeValueAsString(ask))
			.param("waitUntil", Timestamp.from(waitUntil))
			.param("dryRun", gate.dryRun())
			.query(Long.class)
			.optional();
	}

	Optional<Stored> find(long id) {
		return this.jdbc.sql("SELECT * FROM tollgate.gate_review WHERE id = :id")
			.param("id", id)
			.query(this::row)
			.optional();
	}

	/** The reviews still waiting for this approval request. */
	List<Long> waitingOn(long approvalRequestId) {
		return this.jdbc
			.sql("SELECT id FROM tollgate.gate_review WHERE approval_request_id = :id AND status = 'WAITING'")
			.param("id", approvalRequestId)
			.query(Long.class)
			.list();
	}

	/** What a waiting review waits for; nothing once it is decided. */
	void waiting(long id, long approvalRequestId, UUID decisionId, String issueKey, String reason) {
		this.jdbc.sql("""
				UPDATE tollgate.gate_review SET approval_request_id = :approval, reason = :reason,
				    decision_id = COALESCE(:decisionId, decision_id), issue_key = COALESCE(:issueKey, issue_key)
				WHERE id = :id AND status = 'WAITING'
				""")
			.param("id", id)
			.param("approval", approvalRequestId)
			.param("reason", reason)
			.param("decisionId", decisionId, Types.OTHER)
			.param("issueKey", issueKey, Types.VARCHAR)
			.update();
	}

	/** The verdict; {@code false} if the review was decided already. */
	boolean decide(long id, GateReview.Status status, String reason, UUID decisionId, String issueKey) {
		return this.jdbc.sql("""
				UPDATE tollgate.gate_review SET status = :status, reason = :reason, decided_at = now(),
				    decision_id = COALESCE(:decisionId, decision_id), issue_key = COALESCE(:issueKey, issue_key)
				WHERE id = :id AND status = 'WAITING'
				""")
			.param("id", id)
			.param("status", status.name())
			.param("reason", reason)
			.param("decisionId", decisionId, Types.OTHER)
			.param("issueKey", issueKey, Types.VARCHAR)
			.update() == 1;
	}

	void noted(long id) {
		this.jdbc.sql("UPDATE tollgate.gate_review SET noted = true WHERE id = :id").param("id", id).update();
	}

	void answered(long id) {
		this.jdbc.sql("UPDATE tollgate.gate_review SET answered = true, answered_at = now() WHERE id = :id")
			.param("id", id)
			.update();
	}

	/** Newest first; {@code status} {@code null} for all. */
	List<GateReview> list(GateReview.Status status, int limit) {
		return this.jdbc.sql("""
				SELECT * FROM tollgate.gate_review WHERE (CAST(:status AS text) IS NULL OR status = :status)
				ORDER BY id DESC LIMIT :limit
				""")
			.param("status", (status != null) ? status.name() : null, Types.VARCHAR)
			.param("limit", limit)
			.query(this::row)
			.list()
			.stream()
			.map(Stored::review)
			.toList();
	}

	/** Reviews waiting now, by provider. */
	Map<String, Long> waitingByProvider() {
		return this.jdbc
			.sql("SELECT provider, count(*) AS n FROM tollgate.gate_review WHERE status = 'WAITING' GROUP BY provider")
			.query((rs, row) -> Map.entry(rs.getString("provider"), rs.getLong("n")))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

	private Stored row(ResultSet rs, int row) throws SQLException {
		Long approval = rs.getObject("approval_request_id", Long.class);
		GateReview review = new GateReview(rs.getLong("id"), rs.getString("gate"), rs.getString("provider"),
				rs.getString("target"), rs.getString("subject"), rs.getString("environment"), rs.getString("status"),
				rs.getBoolean("dry_run"), rs.getString("reason"), rs.getString("run_url"), rs.getString("issue_key"),
				rs.getObject("decision_id", UUID.class), approval, rs.getBoolean("answered"),
				instant(rs, "requested_at"), instant(rs, "wait_until"), instant(rs, "decided_at"),
				instant(rs, "answered_at"));
		return new Stored(review, this.json.readValue(rs.getString("ask"), GateAsk.class), rs.getBoolean("noted"));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp timestamp = rs.getTimestamp(column);
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
