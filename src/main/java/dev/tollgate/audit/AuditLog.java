package dev.tollgate.audit;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends to the audit log. There is deliberately no update or delete: the table is append-only,
 * and the database refuses changes even if code tried.
 * <p>
 * {@link #append} joins the caller's transaction, so an event is written exactly when the work it
 * describes is.
 */
@Service
public class AuditLog {

	private final JdbcClient jdbc;

	private final JsonMapper json;

	AuditLog(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/** Appends the event and returns its id. */
	public long append(AuditEvent event) {
		return this.jdbc.sql("""
				INSERT INTO tollgate.audit_event (type, outcome, reason, delivery_id, issue_key, issue_id, project_key,
				    issue_type, actor_account_id, from_status, to_status, rule_id, rule_name, target, run_url, dry_run, decision_id,
				    details)
				VALUES (:type, :outcome, :reason, :deliveryId, :issueKey, :issueId, :projectKey, :issueType, :actor,
				    :fromStatus, :toStatus, :ruleId, :ruleName, :target, :runUrl, :dryRun, :decisionId, CAST(:details AS jsonb))
				RETURNING id
				""")
			.param("type", event.type().name())
			.param("outcome", event.outcome())
			.param("reason", event.reason())
			.param("deliveryId", event.deliveryId())
			.param("issueKey", event.issueKey())
			.param("issueId", event.issueId())
			.param("projectKey", event.projectKey())
			.param("issueType", event.issueType())
			.param("actor", event.actorAccountId())
			.param("fromStatus", event.fromStatus())
			.param("toStatus", event.toStatus())
			.param("ruleId", event.ruleId())
			.param("ruleName", event.ruleName())
			.param("target", event.target())
			.param("runUrl", event.runUrl())
			.param("dryRun", event.dryRun())
			.param("decisionId", event.decisionId())
			.param("details", (event.details() != null) ? this.json.writeValueAsString(event.details()) : null)
			.query(Long.class)
			.single();
	}

}
