package dev.tollgate.audit;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The database refuses UPDATE, DELETE and TRUNCATE on the audit tables, for the owner too
 * (a trigger), except deletion inside the retention function; and the application role
 * that {@code TOLLGATE_DB_APP_ROLE} names has no UPDATE, DELETE or TRUNCATE on them at
 * all.
 */
class AuditAppendOnlyTests {

	private static final String APP_ROLE = "tollgate_app_" + UUID.randomUUID().toString().substring(0, 8);

	private static ScratchDatabase db;

	private static long eventId;

	@BeforeAll
	static void database() {
		createRole();
		db = ScratchDatabase.create(APP_ROLE);
		// A purge first, so that there is a checkpoint row to try to change.
		long first = db.jdbc.sql(
				"INSERT INTO tollgate.audit_event (occurred_at, type, reason) VALUES (now() - interval '2 days', 'DECISION', 'to be purged') RETURNING id")
			.query(Long.class)
			.single();
		db.sealer().sealOnce();
		db.retention(AuditProperties.defaults())
			.purgeThrough(position(first), Instant.now().minus(ScratchDatabase.RETENTION_FLOOR));
		eventId = db.log.append(AuditEvent.of(AuditEventType.DECISION, "protected").outcome("ALLOWED").build());
		db.sealer().sealOnce();
	}

	@AfterAll
	static void drop() {
		try {
			db.close();
		}
		finally {
			superuser().execute("DROP ROLE IF EXISTS " + APP_ROLE);
		}
	}

	@Test
	void updateDeleteAndTruncateOfEventsAreRefused() {
		assertRefused(() -> update("UPDATE tollgate.audit_event SET reason = 'changed' WHERE id = " + eventId));
		assertRefused(() -> update("DELETE FROM tollgate.audit_event WHERE id = " + eventId));
		assertRefused(() -> update("TRUNCATE tollgate.audit_event"));
		assertThat(db.jdbc.sql("SELECT reason FROM tollgate.audit_event WHERE id = ?")
			.param(eventId)
			.query(String.class)
			.single()).isEqualTo("protected");
	}

	@Test
	void updateDeleteAndTruncateOfSealsAndCheckpointsAreRefused() {
		assertRefused(
				() -> update("UPDATE tollgate.audit_seal SET hash = repeat('0', 64) WHERE event_id = " + eventId));
		assertRefused(() -> update("DELETE FROM tollgate.audit_seal WHERE event_id = " + eventId));
		assertRefused(() -> update("TRUNCATE tollgate.audit_seal"));
		assertRefused(() -> update("UPDATE tollgate.audit_checkpoint SET hash = repeat('0', 64)"));
		assertRefused(() -> update("DELETE FROM tollgate.audit_checkpoint"));
		assertRefused(() -> update("TRUNCATE tollgate.audit_checkpoint"));
		assertThat(db.verifier().verify().verified()).isTrue();
	}

	@Test
	void thePurgeFlagAloneDoesNotAllowDeletingRowsNoCheckpointCovers() {
		Throwable thrown = catchThrowable(() -> db.tx.executeWithoutResult((status) -> {
			db.jdbc.sql("SELECT set_config('tollgate.audit_purge', 'on', true)").query().singleValue();
			db.jdbc.sql("DELETE FROM tollgate.audit_event WHERE id = ?").param(eventId).update();
		}));
		assertThat(sqlState(thrown)).isEqualTo("42501");
		assertThat(sqlMessage(thrown)).contains("append-only");
	}

	@Test
	void theApplicationRoleMayAppendAndPurgeButNotChange() {
		JdbcClient app = JdbcClient.create(new JdbcTemplate(appRole()));
		long id = app
			.sql("INSERT INTO tollgate.audit_event (type, reason) VALUES ('DECISION', 'as the app') RETURNING id")
			.query(Long.class)
			.single();
		assertThat(id).isPositive();
		for (String sql : List.of("UPDATE tollgate.audit_event SET reason = 'x' WHERE id = " + id,
				"DELETE FROM tollgate.audit_event WHERE id = " + id, "TRUNCATE tollgate.audit_event",
				"UPDATE tollgate.audit_seal SET sealed_at = now()", "DELETE FROM tollgate.audit_seal",
				"INSERT INTO tollgate.audit_checkpoint (position, event_id, hash, max_event_id, purged_events) "
						+ "VALUES (999, 1, repeat('0', 64), 1, 0)",
				"DELETE FROM tollgate.audit_checkpoint")) {
			Throwable thrown = catchThrowable(() -> app.sql(sql).update());
			assertThat(sqlState(thrown)).as(sql).isEqualTo("42501");
			assertThat(sqlMessage(thrown)).as(sql).contains("permission denied");
		}
		// The sealer's INSERT and the retention function are what the role is given.
		AuditSealer sealer = new AuditSealer(new JdbcTemplate(appRole()),
				new org.springframework.jdbc.datasource.DataSourceTransactionManager(appRole()),
				AuditProperties.defaults());
		assertThat(sealer.sealOnce()).isEqualTo(1);
		// EXECUTE is granted: the function runs, and refuses a position that is already
		// purged.
		Throwable purge = catchThrowable(
				() -> app.sql("SELECT count(*) FROM tollgate.audit_purge(1, NULL)").query(Long.class).single());
		assertThat(sqlMessage(purge)).contains("already purged");
		assertThat(sqlState(purge)).isNotEqualTo("42501");
		assertThat(db.verifier().verify().verified()).isTrue();
	}

	@Test
	void anEventCannotBeInsertedAtAnIdOfItsChoosing() {
		// An explicit id below the sealer's frontier would never be sealed and would read
		// as history.
		JdbcClient app = JdbcClient.create(new JdbcTemplate(appRole()));
		for (long id : new long[] { 2, eventId + 1_000_000 }) {
			Throwable thrown = catchThrowable(() -> app.sql("""
					INSERT INTO tollgate.audit_event (id, occurred_at, type, reason) OVERRIDING SYSTEM VALUE
					VALUES (?, now() - interval '3 days', 'DECISION', 'back-filled')""").param(id).update());
			assertThat(sqlState(thrown)).as("id %d", id).isEqualTo("42501");
		}
		// Ids from the sequence, several in one statement, are fine.
		assertThat(
				app.sql("INSERT INTO tollgate.audit_event (type, reason) VALUES ('DECISION', 'a'), ('DECISION', 'b')")
					.update())
			.isEqualTo(2);
		assertThat(db.jdbc.sql("SELECT count(*) FROM tollgate.audit_event WHERE reason = 'back-filled'")
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void theApplicationRoleCannotPurgeRecentEventsNorLowerTheRetentionFloor() {
		JdbcClient app = JdbcClient.create(new JdbcTemplate(appRole()));
		long head = app.sql("SELECT max(position) FROM tollgate.audit_seal").query(Long.class).single();
		// A compromised application purging everything up to now: refused, whatever
		// cutoff it names.
		for (String cutoff : new String[] { "now()", "now() - interval '2 days'", "NULL" }) {
			Throwable thrown = catchThrowable(
					() -> app.sql("SELECT count(*) FROM tollgate.audit_purge(" + head + ", " + cutoff + ")")
						.query(Long.class)
						.single());
			assertThat(sqlState(thrown)).as(cutoff).isEqualTo("42501");
		}
		Throwable lowered = catchThrowable(
				() -> app.sql("UPDATE tollgate.audit_purge_floor SET min_age = interval '1 second'").update());
		assertThat(sqlMessage(lowered)).contains("permission denied");
		assertThat(db.jdbc.sql("SELECT reason FROM tollgate.audit_event WHERE id = ?")
			.param(eventId)
			.query(String.class)
			.single()).isEqualTo("protected");
		assertThat(db.verifier().verify().verified()).isTrue();
	}

	@Test
	void theApplicationRoleMayClaimJobsThroughTheClaimFunction() {
		JdbcClient app = JdbcClient.create(new JdbcTemplate(appRole()));
		app.sql("INSERT INTO tollgate.job (kind, dedup_key, payload) VALUES ('LEAST-PRIVILEGE', ?, '{}')")
			.param("least-privilege-" + UUID.randomUUID())
			.update();

		List<String> claimed = app
			.sql("SELECT kind FROM tollgate.claim_jobs(ARRAY['LEAST-PRIVILEGE'], 5, 'app-worker', 60, true)")
			.query(String.class)
			.list();

		assertThat(claimed).containsExactly("LEAST-PRIVILEGE");
	}

	private static long position(long event) {
		return db.jdbc.sql("SELECT position FROM tollgate.audit_seal WHERE event_id = ?")
			.param(event)
			.query(Long.class)
			.single();
	}

	private static void update(String sql) {
		db.jdbc.sql(sql).update();
	}

	private static void assertRefused(Executable change) {
		Throwable thrown = catchThrowable(change::execute);
		assertThat(thrown).isNotNull();
		assertThat(sqlState(thrown)).isEqualTo("42501");
		assertThat(sqlMessage(thrown)).contains("append-only");
	}

	private static String sqlMessage(Throwable thrown) {
		for (Throwable t = thrown; t != null; t = t.getCause()) {
			if (t instanceof SQLException sql) {
				return sql.getMessage();
			}
		}
		return String.valueOf(thrown);
	}

	private static String sqlState(Throwable thrown) {
		for (Throwable t = thrown; t != null; t = t.getCause()) {
			if (t instanceof SQLException sql) {
				return sql.getSQLState();
			}
		}
		return null;
	}

	private SimpleDriverDataSource appRole() {
		return db.dataSource(APP_ROLE, "");
	}

	private static void createRole() {
		superuser().execute("CREATE ROLE " + APP_ROLE + " LOGIN");
	}

	private static JdbcTemplate superuser() {
		var server = dev.tollgate.support.TestDatabase.get();
		SimpleDriverDataSource source = new SimpleDriverDataSource(new org.postgresql.Driver(), server.url(),
				server.username(), server.password());
		return new JdbcTemplate(source);
	}

}
