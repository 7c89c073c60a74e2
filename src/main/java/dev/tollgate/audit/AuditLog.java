package dev.tollgate.audit;

import java.sql.Types;
import java.util.List;

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
	 * Appends the events in one statement, in list order, and returns their ids in that
	 * order. Ids come from the identity sequence in row order, so the sealer sees them as
	 * one contiguous run, as it would see the same appends one by one in one transaction.
	 * Arrays keep the statement text fixed, whatever the number of events.
	 */
	public List<Long> appendAll(List<AuditEvent> events) {
		if (events.isEmpty()) {
			return List.of();
		}
		if (events.size() == 1) {
			return List.of(append(events.get(0)));
		}
		int size = events.size();
		String[] types = new String[size];
		String[] outcomes = new String[size];
		String[] reasons = new String[size];
		String[] deliveryIds = new String[size];
		String[] issueKeys = new String[size];
		String[] issueIds = new String[size];
		String[] projectKeys = new String[size];
		String[] issueTypes = new String[size];
		String[] actors = new String[size];
		String[] fromStatuses = new String[size];
		String[] toStatuses = new String[size];
		Long[] ruleIds = new Long[size];
		String[] ruleNames = new String[size];
		String[] targets = new String[size];
		String[] runUrls = new String[size];
		Boolean[] dryRuns = new Boolean[size];
		String[] decisionIds = new String[size];
		String[] details = new String[size];
		for (int i = 0; i < size; i++) {
			AuditEvent event = events.get(i);
			types[i] = event.type().name();
			outcomes[i] = event.outcome();
			reasons[i] = event.reason();
			deliveryIds[i] = event.deliveryId();
			issueKeys[i] = event.issueKey();
			issueIds[i] = event.issueId();
			projectKeys[i] = event.projectKey();
			issueTypes[i] = event.issueType();
			actors[i] = event.actorAccountId();
			fromStatuses[i] = event.fromStatus();
			toStatuses[i] = event.toStatus();
			ruleIds[i] = event.ruleId();
			ruleNames[i] = event.ruleName();
			targets[i] = event.target();
			runUrls[i] = event.runUrl();
			dryRuns[i] = event.dryRun();
			decisionIds[i] = (event.decisionId() != null) ? event.decisionId().toString() : null;
			details[i] = (event.details() != null) ? this.json.writeValueAsString(event.details()) : null;
		}
		return this.jdbc
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
			.param("types", array(types))
			.param("outcomes", array(outcomes))
			.param("reasons", array(reasons))
			.param("deliveryIds", array(deliveryIds))
			.param("issueKeys", array(issueKeys))
			.param("issueIds", array(issueIds))
			.param("projectKeys", array(projectKeys))
			.param("issueTypes", array(issueTypes))
			.param("actors", array(actors))
			.param("fromStatuses", array(fromStatuses))
			.param("toStatuses", array(toStatuses))
			.param("ruleIds", array(ruleIds))
			.param("ruleNames", array(ruleNames))
			.param("targets", array(targets))
			.param("runUrls", array(runUrls))
			.param("dryRuns", array(dryRuns))
			.param("decisionIds", array(decisionIds))
			.param("details", array(details))
			.query(Long.class)
			.list()
			.stream()
			.sorted()
			.toList();
	}

	private static SqlParameterValue array(Object[] values) {
		return new SqlParameterValue(Types.ARRAY, values);
	}

}
