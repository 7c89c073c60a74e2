package dev.tollgate.audit;

import java.sql.Types;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends to the audit log. There is deliberately no update or delete: the table is
 * append-only, and the database refuses changes even if code tried.
 * <p>
 * {@link #append} joins the caller's transaction, so an event is written exactly when the
 * work it describes is.
 */
@Service
public class AuditLog {

	private final JdbcClient jdbc;

	private final JsonMapper json;

	AuditLog(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/**
	 * Appends the event and returns its id. Nullable values are bound with their SQL
	 * type: a value that is sometimes null and sometimes not would otherwise change the
	 * statement's parameter types from one call to the next, and the driver would prepare
	 * (and PostgreSQL plan) it again each time.
	 */
	public long append(AuditEvent event) {
		return this.jdbc
			.sql("""
					INSERT INTO tollgate.audit_event (type, outcome, reason, delivery_id, issue_key, issue_id, project_key,
					    issue_type, actor_account_id, from_status, to_status, rule_id, rule_name, target, run_url, dry_run, decision_id,
					    details)
					VALUES (:type, :outcome, :reason, :deliveryId, :issueKey, :issueId, :projectKey, :issueType, :actor,
					    :fromStatus, :toStatus, :ruleId, :ruleName, :target, :runUrl, :dryRun, CAST(:decisionId AS uuid),
					    CAST(:details AS jsonb))
					RETURNING id
					""")
			.param("type", event.type().name())
			.param("outcome", event.outcome(), Types.VARCHAR)
			.param("reason", event.reason(), Types.VARCHAR)
			.param("deliveryId", event.deliveryId(), Types.VARCHAR)
			.param("issueKey", event.issueKey(), Types.VARCHAR)
			.param("issueId", event.issueId(), Types.VARCHAR)
			.param("projectKey", event.projectKey(), Types.VARCHAR)
			.param("issueType", event.issueType(), Types.VARCHAR)
			.param("actor", event.actorAccountId(), Types.VARCHAR)
			.param("fromStatus", event.fromStatus(), Types.VARCHAR)
			.param("toStatus", event.toStatus(), Types.VARCHAR)
			.param("ruleId", event.ruleId(), Types.BIGINT)
			.param("ruleName", event.ruleName(), Types.VARCHAR)
			.param("target", event.target(), Types.VARCHAR)
			.param("runUrl", event.runUrl(), Types.VARCHAR)
			.param("dryRun", event.dryRun())
			.param("decisionId", (event.decisionId() != null) ? event.decisionId().toString() : null, Types.VARCHAR)
			.param("details", (event.details() != null) ? this.json.writeValueAsString(event.details()) : null,
					Types.VARCHAR)
			.query(Long.class)
			.single();
	}

}
