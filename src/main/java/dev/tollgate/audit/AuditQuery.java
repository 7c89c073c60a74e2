package dev.tollgate.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the audit log, newest first, with keyset paging on the id: a cursor stays valid and
 * stable while new events are appended.
 */
@Service
public class AuditQuery {

	public static final int DEFAULT_LIMIT = 50;

	public static final int MAX_LIMIT = 1000;

	private final JdbcClient jdbc;

	private final JsonMapper json;

	AuditQuery(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/** Every filter is optional. */
	public record Filter(String deliveryId, String issueKey, String projectKey, AuditEventType type, String outcome,
			Instant since, Instant until) {
	}

	/** An audit event as the API returns it (contract section 5). */
	public record Entry(long id, Instant occurredAt, String type, String outcome, String reason, String deliveryId,
			String issueKey, String issueId, String projectKey, String issueType, String actorAccountId,
			String fromStatus, String toStatus, Long ruleId, String ruleName, String target, String runUrl,
			boolean dryRun, UUID decisionId, String hash, Object details) {
	}

	public record Page(List<Entry> items, String nextCursor) {
	}

	public Page find(Filter filter, int limit, String cursor) {
		int size = Math.max(1, Math.min(limit, MAX_LIMIT));
		StringBuilder sql = new StringBuilder("""
				SELECT e.*, NULL::text AS hash FROM tollgate.audit_event e WHERE true""");
		Map<String, Object> params = new LinkedHashMap<>();
		condition(sql, params, "e.delivery_id = :deliveryId", "deliveryId", filter.deliveryId());
		condition(sql, params, "e.issue_key = :issueKey", "issueKey", filter.issueKey());
		condition(sql, params, "e.project_key = :projectKey", "projectKey", filter.projectKey());
		condition(sql, params, "e.type = :type", "type", (filter.type() != null) ? filter.type().name() : null);
		condition(sql, params, "e.outcome = :outcome", "outcome", filter.outcome());
		condition(sql, params, "e.occurred_at >= :since", "since",
				(filter.since() != null) ? Timestamp.from(filter.since()) : null);
		condition(sql, params, "e.occurred_at < :until", "until",
				(filter.until() != null) ? Timestamp.from(filter.until()) : null);
		if (cursor != null && !cursor.isBlank()) {
			condition(sql, params, "e.id < :cursor", "cursor", parseCursor(cursor));
		}
		sql.append(" ORDER BY e.id DESC LIMIT :limit");
		params.put("limit", size + 1);
		List<Entry> rows = new ArrayList<>(this.jdbc.sql(sql.toString()).params(params).query(this::map).list());
		String next = null;
		if (rows.size() > size) {
			rows.remove(size);
			next = Long.toString(rows.get(size - 1).id());
		}
		return new Page(rows, next);
	}

	private static void condition(StringBuilder sql, Map<String, Object> params, String clause, String name,
			Object value) {
		if (value != null && !(value instanceof String s && s.isBlank())) {
			sql.append(" AND ").append(clause);
			params.put(name, value);
		}
	}

	private static long parseCursor(String cursor) {
		try {
			return Long.parseLong(cursor.strip());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("The cursor is not one this API returned.");
		}
	}

	private Entry map(ResultSet rs, int row) throws SQLException {
		String details = rs.getString("details");
		return new Entry(rs.getLong("id"), rs.getTimestamp("occurred_at").toInstant(), rs.getString("type"),
				rs.getString("outcome"), rs.getString("reason"), rs.getString("delivery_id"), rs.getString("issue_key"),
				rs.getString("issue_id"), rs.getString("project_key"), rs.getString("issue_type"),
				rs.getString("actor_account_id"), rs.getString("from_status"), rs.getString("to_status"),
				rs.getObject("rule_id", Long.class), rs.getString("rule_name"), rs.getString("target"), rs.getString("run_url"),
				rs.getBoolean("dry_run"), rs.getObject("decision_id", UUID.class), rs.getString("hash"),
				(details != null) ? this.json.readTree(details) : null);
	}

}
