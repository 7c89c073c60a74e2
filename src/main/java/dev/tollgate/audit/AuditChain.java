package dev.tollgate.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The canonical encoding of a sealed audit event and its SHA-256 link (encoding version
 * 1, see docs/audit.md). Every link hashes a list of nullable strings, each written as a
 * 4-byte big-endian length (-1 for null) followed by its UTF-8 bytes, so no two different
 * lists encode alike:
 * <ol>
 * <li>{@code "tollgate-audit-v1"}</li>
 * <li>the previous link's hash (64 lowercase hex; 64 zeros for the first link)</li>
 * <li>the previous link's event id (0 for the first link)</li>
 * <li>{@code gap_from}: the first of the ids the sealer accepted as never committed, or
 * null</li>
 * <li>then every column of {@code audit_event} in {@link #COLUMNS} order: ids and numbers
 * in decimal, {@code occurred_at} as {@code yyyy-MM-ddTHH:mm:ss.SSSSSSZ} in UTC, booleans
 * as {@code true} / {@code false}, the decision id as a lowercase UUID, {@code details}
 * as PostgreSQL prints the jsonb ({@code details::text}).</li>
 * </ol>
 * A column added to {@code audit_event} must be added here with a new encoding version,
 * or it is not protected (AuditChainTests fails until then).
 */
final class AuditChain {

	static final int ENCODING = 1;

	static final String GENESIS = "0".repeat(64);

	/** Every column of {@code audit_event}, in the order they are hashed. */
	static final List<String> COLUMNS = List.of("id", "occurred_at", "type", "outcome", "reason", "delivery_id",
			"issue_key", "issue_id", "project_key", "issue_type", "actor_account_id", "from_status", "to_status",
			"rule_id", "rule_name", "target", "run_url", "dry_run", "decision_id", "details");

	/**
	 * Selects the columns as {@link #read} expects them, from {@code audit_event} aliased
	 * {@code e}.
	 */
	static final String SELECT_COLUMNS = "e.id, e.occurred_at, e.type, e.outcome, e.reason, e.delivery_id, "
			+ "e.issue_key, e.issue_id, e.project_key, e.issue_type, e.actor_account_id, e.from_status, e.to_status, "
			+ "e.rule_id, e.rule_name, e.target, e.run_url, e.dry_run, e.decision_id, e.details::text AS details";

	/** The advisory lock held by whoever moves the chain (sealer, purge). */
	static final long LOCK_KEY = 7477346651120390913L;

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
		.withZone(ZoneOffset.UTC);

	private static final byte[] VERSION = "tollgate-audit-v1".getBytes(StandardCharsets.UTF_8);

	private AuditChain() {
	}

	/** An audit_event row, every column as the text that is hashed. */
	record Row(long id, String[] values) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Row row && row.id == this.id && Arrays.equals(row.values, this.values);
		}

		@Override
		public int hashCode() {
			return Long.hashCode(this.id) * 31 + Arrays.hashCode(this.values);
		}

		@Override
		public String toString() {
			return "Row" + Arrays.toString(this.values);
		}

	}

	/**
	 * Reads the row selected with {@link #SELECT_COLUMNS}; null if the event is missing
	 * (outer join).
	 */
	static Row read(ResultSet rs) throws SQLException {
		Object id = rs.getObject("id");
		if (id == null) {
			return null;
		}
		OffsetDateTime occurredAt = rs.getObject("occurred_at", OffsetDateTime.class);
		Long ruleId = rs.getObject("rule_id", Long.class);
		UUID decisionId = rs.getObject("decision_id", UUID.class);
		String[] values = { Long.toString(rs.getLong("id")), timestamp(occurredAt.toInstant()), rs.getString("type"),
				rs.getString("outcome"), rs.getString("reason"), rs.getString("delivery_id"), rs.getString("issue_key"),
				rs.getString("issue_id"), rs.getString("project_key"), rs.getString("issue_type"),
				rs.getString("actor_account_id"), rs.getString("from_status"), rs.getString("to_status"),
				(ruleId != null) ? ruleId.toString() : null, rs.getString("rule_name"), rs.getString("target"),
				rs.getString("run_url"), Boolean.toString(rs.getBoolean("dry_run")),
				(decisionId != null) ? decisionId.toString() : null, rs.getString("details") };
		return new Row(rs.getLong("id"), values);
	}

	static String timestamp(Instant instant) {
		return TIMESTAMP.format(instant);
	}

	/**
	 * The hash of the link that seals {@code row} after the link ({@code prevEventId},
	 * {@code prevHash}).
	 */
	static String hash(String prevHash, long prevEventId, Long gapFrom, Row row) {
		MessageDigest digest = sha256();
		ByteArrayOutputStream out = new ByteArrayOutputStream(512);
		field(out, VERSION);
		field(out, prevHash);
		field(out, Long.toString(prevEventId));
		field(out, (gapFrom != null) ? gapFrom.toString() : null);
		for (String value : row.values()) {
			field(out, value);
		}
		return HexFormat.of().formatHex(digest.digest(out.toByteArray()));
	}

	private static void field(ByteArrayOutputStream out, String value) {
		field(out, (value != null) ? value.getBytes(StandardCharsets.UTF_8) : null);
	}

	private static void field(ByteArrayOutputStream out, byte[] bytes) {
		int length = (bytes != null) ? bytes.length : -1;
		out.write(length >>> 24);
		out.write(length >>> 16);
		out.write(length >>> 8);
		out.write(length);
		if (bytes != null) {
			out.write(bytes, 0, bytes.length);
		}
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
