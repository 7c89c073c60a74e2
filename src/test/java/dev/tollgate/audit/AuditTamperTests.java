package dev.tollgate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tampering as a superuser with every trigger disabled
 * ({@code session_replication_role = replica}), in a database of its own: a changed
 * field, a deleted row, two swapped rows, a forged seal, each named by
 * {@code firstBrokenId}; and the log verifies again once the data is put back.
 */
class AuditTamperTests {

	private static ScratchDatabase db;

	private static final List<Long> ids = new ArrayList<>();

	private static final String COLUMNS = "occurred_at, type, outcome, reason, delivery_id, issue_key, issue_id, "
			+ "project_key, issue_type, actor_account_id, from_status, to_status, rule_id, rule_name, target, run_url, "
			+ "dry_run, decision_id, details";

	@BeforeAll
	static void sealedLog() {
		db = ScratchDatabase.create();
		for (int i = 0; i < 8; i++) {
			ids.add(db.log.append(AuditEvent.of(AuditEventType.DECISION, "Decision " + i + ", with \"quotes\"")
				.outcome((i % 2 == 0) ? "ALLOWED" : "DENIED")
				.deliveryId("delivery-" + i)
				.issue("1000" + i, "OPS-" + i, "OPS", "Story")
				.actor("account-" + i)
				.transition("In Progress", "Done")
				.rule((long) i, "rule " + i)
				.target("deploy-prod")
				.dryRun(i == 3)
				.decisionId(UUID.randomUUID())
				.details(Map.of("index", i, "nested", Map.of("k", "v" + i)))
				.build()));
		}
		assertThat(db.sealer().sealOnce()).isEqualTo(8);
	}

	@AfterAll
	static void drop() {
		db.close();
	}

	@AfterEach
	void stillIntactAfterRestoring() {
		AuditVerifier.Result result = db.verifier().verify();
		assertThat(result.verified()).as("restored log verifies").isTrue();
		assertThat(result.checkedEvents()).isEqualTo(8);
	}

	@Test
	void anUntouchedLogVerifies() {
		AuditVerifier.Result result = db.verifier().verify();
		assertThat(result.verified()).isTrue();
		assertThat(result.firstBrokenId()).isNull();
		assertThat(result.checkedEvents()).isEqualTo(8);
		assertThat(result.headHash()).isEqualTo(db.jdbc.sql("SELECT hash FROM tollgate.audit_seal WHERE event_id = ?")
			.param(ids.get(7))
			.query(String.class)
			.single());
	}

	@Test
	void aChangedFieldIsNamed() {
		long id = ids.get(4);
		for (String change : List.of("reason = reason || '.'", "outcome = 'ERROR'", "dry_run = true",
				"occurred_at = occurred_at + interval '1 microsecond'", "details = details || '{\"index\": 99}'",
				"run_url = 'https://ci.example/1'", "decision_id = NULL")) {
			db.tamper(backup(id), "UPDATE tollgate.audit_event SET " + change + " WHERE id = " + id);
			try {
				AuditVerifier.Result result = db.verifier().verify();
				assertThat(result.firstBrokenId()).as(change).isEqualTo(id);
				assertThat(result.verified()).as(change).isFalse();
			}
			finally {
				restore(id);
			}
			assertThat(db.verifier().verify().verified()).as(change + " restored").isTrue();
		}
	}

	@Test
	void aDeletedEventIsNamed() {
		long id = ids.get(3);
		db.tamper(backup(id), "DELETE FROM tollgate.audit_event WHERE id = " + id);
		try {
			assertBrokenAt(id);
		}
		finally {
			restore(id);
		}
	}

	@Test
	void aDeletedEventWithItsSealIsNamed() {
		long id = ids.get(2);
		db.tamper(backup(id),
				"CREATE TABLE tollgate.tamper_seal AS SELECT * FROM tollgate.audit_seal WHERE event_id = " + id,
				"DELETE FROM tollgate.audit_event WHERE id = " + id,
				"DELETE FROM tollgate.audit_seal WHERE event_id = " + id);
		try {
			assertBrokenAt(id);
		}
		finally {
			db.tamper("INSERT INTO tollgate.audit_seal SELECT * FROM tollgate.tamper_seal",
					"DROP TABLE tollgate.tamper_seal");
			restore(id);
		}
	}

	@Test
	void twoSwappedRowsAreNamedByTheFirst() {
		long first = ids.get(5);
		long second = ids.get(6);
		db.tamper(swap(first, second));
		try {
			assertBrokenAt(first);
		}
		finally {
			db.tamper(swap(first, second));
		}
	}

	@Test
	void renumberedLinksAreNamed() {
		// Delete a row and its seal and close the gap in the positions, as a careful
		// attacker would.
		long id = ids.get(1);
		db.tamper(backup(id),
				"CREATE TABLE tollgate.tamper_seal AS SELECT * FROM tollgate.audit_seal WHERE event_id = " + id,
				"DELETE FROM tollgate.audit_event WHERE id = " + id,
				"DELETE FROM tollgate.audit_seal WHERE event_id = " + id,
				"UPDATE tollgate.audit_seal SET position = position + 1000000 WHERE event_id > " + id,
				"UPDATE tollgate.audit_seal SET position = position - 1000001 WHERE position > 1000000");
		try {
			assertBrokenAt(id);
		}
		finally {
			db.tamper("UPDATE tollgate.audit_seal SET position = position + 1000001 WHERE event_id > " + id,
					"UPDATE tollgate.audit_seal SET position = position - 1000000 WHERE position > 1000000",
					"INSERT INTO tollgate.audit_seal SELECT * FROM tollgate.tamper_seal",
					"DROP TABLE tollgate.tamper_seal");
			restore(id);
		}
	}

	@Test
	void aForgedSealIsNamed() {
		long id = ids.get(6);
		String original = db.jdbc.sql("SELECT hash FROM tollgate.audit_seal WHERE event_id = ?")
			.param(id)
			.query(String.class)
			.single();
		db.tamper("UPDATE tollgate.audit_seal SET hash = '" + "a".repeat(64) + "' WHERE event_id = " + id);
		try {
			assertBrokenAt(id);
		}
		finally {
			db.tamper("UPDATE tollgate.audit_seal SET hash = '" + original + "' WHERE event_id = " + id);
		}
	}

	private static void assertBrokenAt(long id) {
		AuditVerifier.Result result = db.verifier().verify();
		assertThat(result.verified()).isFalse();
		assertThat(result.firstBrokenId()).isEqualTo(id);
		assertThat(result.checkedEvents()).isEqualTo(ids.indexOf(id));
	}

	private static String backup(long id) {
		return "CREATE TABLE tollgate.tamper_backup AS SELECT * FROM tollgate.audit_event WHERE id = " + id;
	}

	private static void restore(long id) {
		db.tamper("DELETE FROM tollgate.audit_event WHERE id = " + id,
				"INSERT INTO tollgate.audit_event OVERRIDING SYSTEM VALUE SELECT * FROM tollgate.tamper_backup",
				"DROP TABLE tollgate.tamper_backup");
	}

	private static String[] swap(long a, long b) {
		StringBuilder set = new StringBuilder();
		for (String column : COLUMNS.split(", ")) {
			set.append((set.length() > 0) ? ", " : "").append(column).append(" = o.").append(column);
		}
		return new String[] {
				"UPDATE tollgate.audit_event e SET " + set + " FROM tollgate.audit_event o WHERE (e.id, o.id) IN ((" + a
						+ ", " + b + "), (" + b + ", " + a + "))" };
	}

}
