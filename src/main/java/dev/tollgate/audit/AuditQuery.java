package dev.tollgate.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the audit log: pages, newest first, with keyset paging on the id (a cursor stays
 * valid and stable while new events are appended), and streamed exports of any size. Each
 * event carries the hash of its link in the hash chain ({@code null} until it is sealed,
 * normally within a second).
 */
@Service
public class AuditQuery {

	public static final int DEFAULT_LIMIT = 50;

	public static final int MAX_LIMIT = 1000;

	private static final String SELECT = "SELECT e.*, s.hash FROM tollgate.audit_event e"
			+ " LEFT JOIN tollgate.audit_seal s ON s.event_id = e.id WHERE true";

	private final JdbcTemplate jdbc;

	private final JdbcTemplate streaming;

	private final TransactionTemplate readOnly;

	private final JsonMapper json;

	AuditQuery(JdbcTemplate jdbc, PlatformTransactionManager transactions, JsonMapper json,
			AuditProperties properties) {
		this.jdbc = jdbc;
		this.streaming = new JdbcTemplate(jdbc.getDataSource());
		this.streaming.setFetchSize(properties.exportFetchSize());
		this.readOnly = new TransactionTemplate(transactions);
		this.readOnly.setReadOnly(true);
		this.json = json;
	}

	/**
	 * A decision as the audit log recorded it: what a gate asks to know whether a run is
	 * cleared.
	 */
	public record DecisionRecord(long eventId, UUID decisionId, String outcome, boolean dryRun, String target,
			String issueKey, String toStatus) {
	}

	/** The decision recorded under this id. */
	public Optional<DecisionRecord> decision(UUID decisionId) {
		return this.jdbc
			.query("SELECT id, decision_id, outcome, dry_run, target, issue_key, to_status FROM tollgate.audit_event"
					+ " WHERE decision_id = ? AND type = 'DECISION' ORDER BY id DESC LIMIT 1", AuditQuery::decisionRow,
					decisionId)
			.stream()
			.findFirst();
	}

	/**
	 * The last decision on a move of this issue into this status (the status compared
	 * case-insensitively), whatever its outcome; transitions no rule matched are not
	 * decisions.
	 */
	public Optional<DecisionRecord> lastDecisionInto(String issueKey, String toStatus) {
		return this.jdbc
			.query("SELECT id, decision_id, outcome, dry_run, target, issue_key, to_status FROM tollgate.audit_event"
					+ " WHERE issue_key = ? AND type = 'DECISION' AND lower(to_status) = lower(?)"
					+ " AND outcome <> 'IGNORED' ORDER BY id DESC LIMIT 1", AuditQuery::decisionRow, issueKey, toStatus)
			.stream()
			.findFirst();
	}

	private static DecisionRecord decisionRow(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
		return new DecisionRecord(rs.getLong("id"), rs.getObject("decision_id", UUID.class), rs.getString("outcome"),
				rs.getBoolean("dry_run"), rs.getString("target"), rs.getString("issue_key"), rs.getString("to_status"));
	}

	/** Every filter is optional. */
	public record Filter(String deliveryId, String issueKey, String projectKey, AuditEventType type, String outcome,
			Instant since, Instant until) {
	}

	/** An audit event as the API returns it. */
	public record Entry(long id, Instant occurredAt, String type, String outcome, String reason, String deliveryId,
			String issueKey, String issueId, String projectKey, String issueType, String actorAccountId,
			String fromStatus, String toStatus, Long ruleId, String ruleName, String target, String runUrl,
			boolean dryRun, UUID decisionId, String hash, Object details) {
	}

	public record Page(List<Entry> items, String nextCursor) {
	}

	/** Export formats: one JSON object per line, or RFC 4180 CSV with a header row. */
	public enum ExportFormat {

		NDJSON("application/x-ndjson", "ndjson"), CSV("text/csv;charset=UTF-8", "csv");

		private final String contentType;

		private final String extension;

		ExportFormat(String contentType, String extension) {
			this.contentType = contentType;
			this.extension = extension;
		}

		public String contentType() {
			return this.contentType;
		}

		public String extension() {
			return this.extension;
		}

		public static ExportFormat parse(String value) {
			if (value != null) {
				for (ExportFormat format : values()) {
					if (format.extension.equals(value.strip().toLowerCase(Locale.ROOT))) {
						return format;
					}
				}
			}
			throw new IllegalArgumentException("format must be ndjson or csv.");
		}

	}

	/**
	 * The CSV columns, in order: the fields of {@link Entry}; {@code details} as compact
	 * JSON.
	 */
	public static final List<String> CSV_COLUMNS = List.of("id", "occurredAt", "type", "outcome", "reason",
			"deliveryId", "issueKey", "issueId", "projectKey", "issueType", "actorAccountId", "fromStatus", "toStatus",
			"ruleId", "ruleName", "target", "runUrl", "dryRun", "decisionId", "hash", "details");

	public Page find(Filter filter, int limit, String cursor) {
		int size = Math.max(1, Math.min(limit, MAX_LIMIT));
		Query query = new Query(filter);
		if (cursor != null && !cursor.isBlank()) {
			query.condition("e.id < ?", parseCursor(cursor));
		}
		query.sql.append(" ORDER BY e.id DESC LIMIT ?");
		query.params.add(size + 1);
		List<Entry> rows = new ArrayList<>(this.jdbc.query(query.sql.toString(), this::map, query.params.toArray()));
		String next = null;
		if (rows.size() > size) {
			rows.remove(size);
			next = Long.toString(rows.get(size - 1).id());
		}
		return new Page(rows, next);
	}

	/**
	 * Streams every event that matches the filter to {@code out}, in one read-only
	 * transaction (one consistent snapshot) through a server-side cursor, so memory stays
	 * constant whatever the size.
	 * @param afterId only events with a higher id (for incremental pulls, with
	 * {@code oldestFirst}); null for all
	 * @param oldestFirst ascending id order; otherwise newest first, as {@link #find}
	 */
	public void export(Filter filter, Long afterId, boolean oldestFirst, ExportFormat format, OutputStream out) {
		Query query = new Query(filter);
		if (afterId != null) {
			query.condition("e.id > ?", afterId);
		}
		query.sql.append(oldestFirst ? " ORDER BY e.id ASC" : " ORDER BY e.id DESC");
		Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
		try {
			if (format == ExportFormat.CSV) {
				writer.write(String.join(",", CSV_COLUMNS));
				writer.write("\r\n");
			}
			this.readOnly.executeWithoutResult((status) -> this.streaming.query((con) -> {
				PreparedStatement statement = con.prepareStatement(query.sql.toString(), ResultSet.TYPE_FORWARD_ONLY,
						ResultSet.CONCUR_READ_ONLY);
				statement.setFetchSize(this.streaming.getFetchSize());
				for (int i = 0; i < query.params.size(); i++) {
					statement.setObject(i + 1, query.params.get(i));
				}
				return statement;
			}, (RowCallbackHandler) (rs) -> write(writer, format, map(rs, 0))));
			writer.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void write(Writer writer, ExportFormat format, Entry entry) {
		try {
			if (format == ExportFormat.NDJSON) {
				writer.write(this.json.writeValueAsString(entry));
				writer.write('\n');
				return;
			}
			Object[] values = { entry.id(), (entry.occurredAt() != null) ? entry.occurredAt().toString() : null,
					entry.type(), entry.outcome(), entry.reason(), entry.deliveryId(), entry.issueKey(),
					entry.issueId(), entry.projectKey(), entry.issueType(), entry.actorAccountId(), entry.fromStatus(),
					entry.toStatus(), entry.ruleId(), entry.ruleName(), entry.target(), entry.runUrl(), entry.dryRun(),
					entry.decisionId(), entry.hash(),
					(entry.details() != null) ? this.json.writeValueAsString(entry.details()) : null };
			for (int i = 0; i < values.length; i++) {
				if (i > 0) {
					writer.write(',');
				}
				writer.write(csvField(values[i]));
			}
			writer.write("\r\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled; null is
	 * empty.
	 */
	static String csvField(Object value) {
		if (value == null) {
			return "";
		}
		String text = value.toString();
		if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\r') < 0 && text.indexOf('\n') < 0) {
			return text;
		}
		return '"' + text.replace("\"", "\"\"") + '"';
	}

	/** The API's filters as SQL with positional parameters. */
	private static final class Query {

		final StringBuilder sql = new StringBuilder(SELECT);

		final List<Object> params = new ArrayList<>();

		Query(Filter filter) {
			condition("e.delivery_id = ?", filter.deliveryId());
			condition("e.issue_key = ?", filter.issueKey());
			condition("e.project_key = ?", filter.projectKey());
			condition("e.type = ?", (filter.type() != null) ? filter.type().name() : null);
			condition("e.outcome = ?", filter.outcome());
			condition("e.occurred_at >= ?", (filter.since() != null) ? Timestamp.from(filter.since()) : null);
			condition("e.occurred_at < ?", (filter.until() != null) ? Timestamp.from(filter.until()) : null);
		}

		void condition(String clause, Object value) {
			if (value != null && !(value instanceof String s && s.isBlank())) {
				this.sql.append(" AND ").append(clause);
				this.params.add(value);
			}
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
				rs.getObject("rule_id", Long.class), rs.getString("rule_name"), rs.getString("target"),
				rs.getString("run_url"), rs.getBoolean("dry_run"), rs.getObject("decision_id", UUID.class),
				rs.getString("hash"), (details != null) ? this.json.readTree(details) : null);
	}

}
