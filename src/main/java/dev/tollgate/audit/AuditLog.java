package dev.tollgate.audit;

import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

import org.springframework.jdbc.core.SqlParameterValue;

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

	/**
	 * Appends the events in one multi-row statement, in list order, and returns their ids
	 * in that order; the batch equivalent of {@link #append} for group commit. Arrays
	 * keep the statement text fixed whatever the batch size, so it stays one prepared
	 * statement.
	 */
	public List<Long> appendAll(List<AuditEvent> events) {
		if (events.isEmpty()) {
			return List.of();
		}
		Map<String, Object> columns = new HashMap<>();
		columns.put("types", column(events, String[]::new, (event) -> event.type().name()));
		columns.put("outcomes", column(events, String[]::new, AuditEvent::outcome));
		columns.put("reasons", column(events, String[]::new, AuditEvent::reason));
		columns.put("deliveryIds", column(events, String[]::new, AuditEvent::deliveryId));
		columns.put("issueKeys", column(events, String[]::new, AuditEvent::issueKey));
		columns.put("issueIds", column(events, String[]::new, AuditEvent::issueId));
		columns.put("projectKeys", column(events, String[]::new, AuditEvent::projectKey));
		columns.put("issueTypes", column(events, String[]::new, AuditEvent::issueType));
		columns.put("actors", column(events, String[]::new, AuditEvent::actorAccountId));
		columns.put("fromStatuses", column(events, String[]::new, AuditEvent::fromStatus));
		columns.put("toStatuses", column(events, String[]::new, AuditEvent::toStatus));
		columns.put("ruleIds", column(events, Long[]::new, AuditEvent::ruleId));
		columns.put("ruleNames", column(events, String[]::new, AuditEvent::ruleName));
		columns.put("targets", column(events, String[]::new, AuditEvent::target));
		columns.put("runUrls", column(events, String[]::new, AuditEvent::runUrl));
		columns.put("dryRuns", column(events, Boolean[]::new, AuditEvent::dryRun));
		columns.put("decisionIds", column(events, String[]::new,
				(event) -> (event.decisionId() != null) ? event.decisionId().toString() : null));
		columns.put("details", column(events, String[]::new,
				(event) -> (event.details() != null) ? this.json.writeValueAsString(event.details()) : null));
		List<Long> ids = new ArrayList<>(this.jdbc
			.sql("""
					INSERT INTO tollgate.audit_event (type, outcome, reason, delivery_id, issue_key, issue_id, project_key,
					    issue_type, actor_account_id, from_status, to_status, rule_id, rule_name, target, run_url, dry_run, decision_id,
					    details)
					SELECT u.type, u.outcome, u.reason, u.delivery_id, u.issue_key, u.issue_id, u.project_key, u.issue_type,
					    u.actor, u.from_status, u.to_status, u.rule_id, u.rule_name, u.target, u.run_url, u.dry_run,
					    CAST(u.decision_id AS uuid), CAST(u.details AS jsonb)
					FROM unnest(CAST(:types AS text[]), CAST(:outcomes AS text[]), CAST(:reasons AS text[]),
					            CAST(:deliveryIds AS text[]), CAST(:issueKeys AS text[]), CAST(:issueIds AS text[]),
					            CAST(:projectKeys AS text[]), CAST(:issueTypes AS text[]), CAST(:actors AS text[]),
					            CAST(:fromStatuses AS text[]), CAST(:toStatuses AS text[]), CAST(:ruleIds AS bigint[]),
					            CAST(:ruleNames AS text[]), CAST(:targets AS text[]), CAST(:runUrls AS text[]),
					            CAST(:dryRuns AS boolean[]), CAST(:decisionIds AS text[]), CAST(:details AS text[]))
					     WITH ORDINALITY AS u(type, outcome, reason, delivery_id, issue_key, issue_id, project_key, issue_type,
					                          actor, from_status, to_status, rule_id, rule_name, target, run_url, dry_run,
					                          decision_id, details, n)
					ORDER BY u.n
					RETURNING id
					""")
			.params(columns)
			.query(Long.class)
			.list());
		// Rows take their ids from the sequence as they are inserted, in the order of n:
		// ascending ids are list order, whatever order RETURNING gives them in.
		Collections.sort(ids);
		return List.copyOf(ids);
	}

	/** One column of the events as an SQL array, in list order. */
	private static <T> SqlParameterValue column(List<AuditEvent> events, IntFunction<T[]> array,
			Function<AuditEvent, T> value) {
		return new SqlParameterValue(Types.ARRAY, events.stream().map(value).toArray(array));
	}

}
