package dev.tollgate.jira;

import java.sql.Types;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Remembers the reverts Tollgate makes, so that the webhook Jira sends for a revert is
 * recognised as Tollgate's own and never evaluated as a new transition (which could
 * loop).
 */
@Service
public class Reverts {

	/**
	 * A revert still expected: not yet seen come back as a transition, and recent enough
	 * that the transition seen is Tollgate's own rather than a person's.
	 */
	private static final String EXPECTED = " consumed_at IS NULL AND created_at > now() - interval '1 hour'";

	private final JdbcClient jdbc;

	Reverts(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Notes an upcoming revert of {@code issueId} from {@code from} to {@code to};
	 * returns its id.
	 */
	long expect(String issueId, String from, String to) {
		return this.jdbc
			.sql("""
					INSERT INTO tollgate.issue_revert (issue_id, from_status, to_status) VALUES (:issue, :from, :to) RETURNING id
					""")
			.param("issue", issueId)
			.param("from", from)
			.param("to", to)
			.query(Long.class)
			.single();
	}

	/**
	 * For a retried revert: the marker an earlier attempt left (its answer was lost, so
	 * the revert may have been made and its webhook may still come), or a new one.
	 */
	long expectAgain(String issueId, String from, String to) {
		return unconsumed(issueId, from, to).orElseGet(() -> expect(issueId, from, to));
	}

	/** Drops the unconsumed markers of a revert that will not be made after all. */
	void forgetAll(String issueId, String from, String to) {
		this.jdbc.sql("""
				DELETE FROM tollgate.issue_revert
				WHERE issue_id = :issue AND consumed_at IS NULL AND lower(from_status) = lower(:from)
				  AND lower(to_status) = lower(:to)
				""").param("issue", issueId).param("from", from).param("to", to).update();
	}

	void forget(long id) {
		this.jdbc.sql("DELETE FROM tollgate.issue_revert WHERE id = :id").param("id", id).update();
	}

	/**
	 * Markers are read for an hour ({@link #pending}); a day later they go, so the table
	 * stays small.
	 */
	@Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT10M")
	void purgeOld() {
		try {
			purgeOlderThan(Duration.ofDays(1));
		}
		catch (DataAccessException ex) {
			// the next round tries again
		}
	}

	int purgeOlderThan(Duration age) {
		return this.jdbc
			.sql("DELETE FROM tollgate.issue_revert WHERE created_at < now() - make_interval(secs => :seconds)")
			.param("seconds", (double) age.toSeconds())
			.update();
	}

	/** The unconsumed revert (of the last hour) that this transition is, if any. */
	public Optional<Long> pending(String issueId, String from, String to) {
		if (from == null || to == null) {
			return Optional.empty();
		}
		return unconsumed(issueId, from, to);
	}

	private Optional<Long> unconsumed(String issueId, String from, String to) {
		return this.jdbc.sql("""
				SELECT id FROM tollgate.issue_revert
				WHERE issue_id = :issue AND lower(from_status) = lower(:from) AND lower(to_status) = lower(:to)
				  AND """ + EXPECTED + """
				ORDER BY id LIMIT 1
				""").param("issue", issueId).param("from", from).param("to", to).query(Long.class).optional();
	}

	/**
	 * Which of these issues have an unconsumed revert of the last hour, in one statement:
	 * their transitions may be Tollgate's own revert ({@link #pending}). Joins the
	 * caller's transaction.
	 */
	public Set<String> pendingOn(Collection<String> issueIds) {
		if (issueIds.isEmpty()) {
			return Set.of();
		}
		return Set.copyOf(this.jdbc.sql("""
				SELECT DISTINCT issue_id FROM tollgate.issue_revert
				WHERE issue_id = ANY(CAST(:issueIds AS text[])) AND """ + EXPECTED + """
				""")
			.param("issueIds", new SqlParameterValue(Types.ARRAY, issueIds.toArray(String[]::new)))
			.query(String.class)
			.list());
	}

	/** Marks the revert as seen; joins the caller's transaction. */
	public void consume(long id) {
		this.jdbc.sql("UPDATE tollgate.issue_revert SET consumed_at = now() WHERE id = :id AND consumed_at IS NULL")
			.param("id", id)
			.update();
	}

}
