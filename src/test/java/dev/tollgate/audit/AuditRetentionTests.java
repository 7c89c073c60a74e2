package dev.tollgate.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Retention in a database of its own (a purge deletes a prefix of the chain, which in the
 * shared test database would be other tests' events): the chain still verifies from the
 * checkpoint, the purge is itself an audit event, unsealed or recent events are never
 * purged, and tampering after a purge is still found.
 */
class AuditRetentionTests {

	/** Old enough for the scratch database's retention floor (a day). */
	private static final Instant OLD = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.MICROS);

	private ScratchDatabase db;

	@BeforeEach
	void database() {
		this.db = ScratchDatabase.create();
	}

	@AfterEach
	void drop() {
		this.db.close();
	}

	@Test
	void purgingThroughAPositionLeavesACheckpointAndAVerifiableChain() {
		List<Long> ids = append(10, OLD);
		seal();
		long position = position(ids.get(3));
		String hashAtPosition = hashOf(ids.get(3));
		AuditRetention.Purge purge = purgeThrough(position);
		assertThat(purge.purgedEvents()).isEqualTo(4);
		assertThat(purge.checkpointEventId()).isEqualTo(ids.get(3));
		assertThat(purge.checkpointHash()).isEqualTo(hashAtPosition);
		assertThat(count("SELECT count(*) FROM tollgate.audit_event WHERE id <= " + ids.get(3))).isZero();
		assertThat(count("SELECT count(*) FROM tollgate.audit_seal WHERE position <= " + position)).isZero();
		assertThat(this.db.jdbc.sql("SELECT position, event_id, hash, purged_events FROM tollgate.audit_checkpoint")
			.query()
			.singleRow()).containsEntry("position", position)
			.containsEntry("event_id", ids.get(3))
			.containsEntry("hash", hashAtPosition)
			.containsEntry("purged_events", 4L);
		Map<String, Object> event = this.db.jdbc
			.sql("SELECT type, reason, details::text AS details FROM tollgate.audit_event WHERE id = ?")
			.param(purge.auditEventId())
			.query()
			.singleRow();
		assertThat(event.get("type")).isEqualTo("AUDIT_PURGED");
		assertThat((String) event.get("reason")).contains("purged 4 audit events", hashAtPosition);
		assertThat((String) event.get("details")).contains("\"checkpointHash\": \"" + hashAtPosition + "\"");

		assertThat(seal()).isEqualTo(1);
		AuditVerifier.Result result = this.db.verifier().verify();
		assertThat(result.verified()).isTrue();
		assertThat(result.checkedEvents()).isEqualTo(7);
		assertThat(result.headHash()).isEqualTo(hashOf(purge.auditEventId()));
		// The first link after the checkpoint is still checked against it.
		long firstKept = ids.get(4);
		this.db.tamper("UPDATE tollgate.audit_event SET reason = 'rewritten' WHERE id = " + firstKept);
		assertThat(this.db.verifier().verify().firstBrokenId()).isEqualTo(firstKept);
	}

	@Test
	void purgingBeforeACutoffStopsAtTheFirstRecentEventAndNeverTouchesUnsealedOnes() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		List<Long> old = append(3, now.minus(Duration.ofDays(40)));
		List<Long> recent = append(1, now.minus(Duration.ofMinutes(5)));
		List<Long> oldAfterRecent = append(2, now.minus(Duration.ofDays(40)));
		seal();
		List<Long> unsealed = append(2, now.minus(Duration.ofDays(40)));
		List<AuditRetention.Purge> purges = this.db.retention(AuditProperties.defaults())
			.purgeBefore(now.minus(Duration.ofDays(30)));
		assertThat(purges).hasSize(1);
		assertThat(purges.get(0).purgedEvents()).isEqualTo(3);
		assertThat(existing(old)).isEmpty();
		assertThat(existing(recent)).containsExactlyElementsOf(recent);
		assertThat(existing(oldAfterRecent)).containsExactlyElementsOf(oldAfterRecent);
		assertThat(existing(unsealed)).containsExactlyElementsOf(unsealed);
		assertThat(this.db.jdbc.sql("SELECT cutoff FROM tollgate.audit_checkpoint")
			.query(java.time.OffsetDateTime.class)
			.single()
			.toInstant()).isEqualTo(now.minus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MICROS));
		// Nothing more is old enough until the recent event is: a second run purges
		// nothing.
		assertThat(this.db.retention(AuditProperties.defaults()).purgeBefore(now.minus(Duration.ofDays(30)))).isEmpty();
		seal();
		assertThat(this.db.verifier().verify().verified()).isTrue();
	}

	@Test
	void aLargePurgeRunsInBatchesEachWithItsCheckpointAndEvent() {
		append(8, Instant.now().minus(Duration.ofDays(3)));
		seal();
		AuditProperties batchesOfThree = new AuditProperties(Duration.ofDays(1), 3, 1000, Duration.ofSeconds(1),
				Duration.ofSeconds(10), 1000);
		List<AuditRetention.Purge> purges = this.db.retention(batchesOfThree)
			.purgeBefore(Instant.now().minus(Duration.ofDays(1)));
		assertThat(purges).extracting(AuditRetention.Purge::purgedEvents).containsExactly(3L, 3L, 2L);
		assertThat(count("SELECT count(*) FROM tollgate.audit_checkpoint")).isEqualTo(3);
		assertThat(count("SELECT count(*) FROM tollgate.audit_event WHERE type = 'AUDIT_PURGED'")).isEqualTo(3);
		assertThat(count("SELECT count(*) FROM tollgate.audit_event WHERE type <> 'AUDIT_PURGED'")).isZero();
		seal();
		AuditVerifier.Result result = this.db.verifier().verify();
		assertThat(result.verified()).isTrue();
		assertThat(result.checkedEvents()).isEqualTo(3);
	}

	@Test
	void purgingTheWholeChainLetsSealingContinueFromTheCheckpoint() {
		List<Long> ids = append(3, OLD);
		seal();
		AuditRetention.Purge purge = purgeThrough(position(ids.get(2)));
		assertThat(count("SELECT count(*) FROM tollgate.audit_seal")).isZero();
		AuditVerifier.Head head = this.db.verifier().head();
		assertThat(head.hash()).isEqualTo(purge.checkpointHash());
		assertThat(head.eventId()).isEqualTo(ids.get(2));
		AuditVerifier.Result empty = this.db.verifier().verify();
		assertThat(empty.verified()).isTrue();
		assertThat(empty.headHash()).isEqualTo(purge.checkpointHash());
		append(2, null);
		assertThat(seal()).isEqualTo(3);
		assertThat(this.db.jdbc.sql("SELECT prev_hash FROM tollgate.audit_seal ORDER BY position LIMIT 1")
			.query(String.class)
			.single()).isEqualTo(purge.checkpointHash());
		AuditVerifier.Result result = this.db.verifier().verify();
		assertThat(result.verified()).isTrue();
		assertThat(result.checkedEvents()).isEqualTo(3);
	}

	@Test
	void unsealedOrAlreadyPurgedPositionsAreRefused() {
		List<Long> ids = append(2, OLD);
		seal();
		long head = position(ids.get(1));
		assertThat(catchThrowable(() -> purgeThrough(head + 1))).hasMessageContaining("is not sealed");
		purgeThrough(head - 1);
		assertThat(catchThrowable(() -> purgeThrough(head - 1))).hasMessageContaining("already purged");
		assertThat(existing(ids)).containsExactly(ids.get(1));
	}

	@Test
	void theDatabaseRefusesToPurgeEventsYoungerThanTheCutoffOrACutoffYoungerThanTheRetentionFloor() {
		List<Long> old = append(2, OLD);
		List<Long> recent = append(1, Instant.now().minus(Duration.ofHours(1)));
		seal();
		AuditRetention retention = this.db.retention(AuditProperties.defaults());
		// The floor is a day: a cutoff an hour ago is refused even for the old events
		// alone.
		assertThat(catchThrowable(
				() -> retention.purgeThrough(position(old.get(1)), Instant.now().minus(Duration.ofHours(1)))))
			.rootCause()
			.hasMessageContaining("is not at least 24:00:00 in the past");
		assertThat(catchThrowable(() -> retention.purgeThrough(position(old.get(1)), null))).rootCause()
			.hasMessageContaining("is not at least 24:00:00 in the past");
		// A cutoff the floor allows does not cover an event younger than it.
		assertThat(catchThrowable(() -> retention.purgeThrough(position(recent.get(0)),
				Instant.now().minus(ScratchDatabase.RETENTION_FLOOR))))
			.rootCause()
			.hasMessageContaining("hold events not older than the cutoff");
		assertThat(existing(old)).containsExactlyElementsOf(old);
		assertThat(existing(recent)).containsExactlyElementsOf(recent);
		assertThat(count("SELECT count(*) FROM tollgate.audit_checkpoint")).isZero();
		// What the floor allows is purged.
		assertThat(purgeThrough(position(old.get(1))).purgedEvents()).isEqualTo(2);
	}

	@Test
	void withRetentionOffWhenTheSchemaWasMigratedTheDatabaseRefusesEveryPurge() {
		try (ScratchDatabase off = ScratchDatabase.create(null, null)) {
			long id = off.jdbc.sql(
					"INSERT INTO tollgate.audit_event (occurred_at, type, reason) VALUES (:at, 'DECISION', 'old') RETURNING id")
				.param("at", OLD.atOffset(java.time.ZoneOffset.UTC))
				.query(Long.class)
				.single();
			off.sealer().sealOnce();
			long position = off.jdbc.sql("SELECT position FROM tollgate.audit_seal WHERE event_id = ?")
				.param(id)
				.query(Long.class)
				.single();
			AuditRetention retention = off.retention(AuditProperties.defaults());
			assertThat(catchThrowable(() -> retention.purgeThrough(position, Instant.now().minus(Duration.ofDays(1)))))
				.rootCause()
				.hasMessageContaining("audit retention is off");
			assertThat(off.jdbc.sql("SELECT count(*) FROM tollgate.audit_event").query(Long.class).single())
				.isEqualTo(1);
		}
	}

	@Test
	void aRetentionTheMigratedFloorDoesNotAllowIsReported() {
		assertThat(this.db.retention(retention(Duration.ofDays(2))).floorMismatch()).isEmpty();
		assertThat(this.db.retention(retention(ScratchDatabase.RETENTION_FLOOR)).floorMismatch()).isEmpty();
		assertThat(this.db.retention(retention(Duration.ofHours(1))).floorMismatch())
			.hasValueSatisfying((message) -> assertThat(message).contains("migrated with PT24H")
				.contains("TOLLGATE_AUDIT_RETENTION=PT1H"));
		assertThat(this.db.retention(AuditProperties.defaults()).floorMismatch()).isEmpty();
		try (ScratchDatabase off = ScratchDatabase.create(null, null)) {
			assertThat(off.retention(retention(Duration.ofDays(400))).floorMismatch())
				.hasValueSatisfying((message) -> assertThat(message).contains("migrated without it"));
		}
	}

	private static AuditProperties retention(Duration retention) {
		return new AuditProperties(retention, 10000, 1000, Duration.ofSeconds(1), Duration.ofSeconds(10), 1000);
	}

	private AuditRetention.Purge purgeThrough(long position) {
		return this.db.retention(AuditProperties.defaults())
			.purgeThrough(position, Instant.now().minus(ScratchDatabase.RETENTION_FLOOR));
	}

	private List<Long> append(int n, Instant occurredAt) {
		List<Long> ids = new java.util.ArrayList<>();
		for (int i = 0; i < n; i++) {
			if (occurredAt == null) {
				ids.add(this.db.log
					.append(AuditEvent.of(AuditEventType.DECISION, "event " + i).outcome("ALLOWED").build()));
			}
			else {
				ids.add(this.db.jdbc.sql("""
						INSERT INTO tollgate.audit_event (occurred_at, type, reason, outcome)
						VALUES (:at, 'DECISION', :reason, 'ALLOWED') RETURNING id""")
					.param("at", occurredAt.atOffset(java.time.ZoneOffset.UTC))
					.param("reason", "dated event " + i)
					.query(Long.class)
					.single());
			}
		}
		return ids;
	}

	private int seal() {
		return this.db.sealer().sealOnce();
	}

	private long position(long eventId) {
		return this.db.jdbc.sql("SELECT position FROM tollgate.audit_seal WHERE event_id = ?")
			.param(eventId)
			.query(Long.class)
			.single();
	}

	private String hashOf(long eventId) {
		return this.db.jdbc.sql("SELECT hash FROM tollgate.audit_seal WHERE event_id = ?")
			.param(eventId)
			.query(String.class)
			.single();
	}

	private List<Long> existing(List<Long> ids) {
		return this.db.jdbc.sql("SELECT id FROM tollgate.audit_event WHERE id = ANY(?) ORDER BY id")
			.param(ids.toArray(new Long[0]))
			.query(Long.class)
			.list();
	}

	private long count(String sql) {
		return this.db.jdbc.sql(sql).query(Long.class).single();
	}

}
