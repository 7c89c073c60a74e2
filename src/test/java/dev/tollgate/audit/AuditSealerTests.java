package dev.tollgate.audit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sealer against a database of its own (no background sealer: each test runs the
 * rounds): id order under concurrent inserts, rows that commit out of id order,
 * rolled-back ids, rows that commit after their gap was given up, and one sealer at a
 * time.
 */
class AuditSealerTests {

	private static ScratchDatabase db;

	private final AtomicLong clock = new AtomicLong();

	@BeforeAll
	static void database() {
		db = ScratchDatabase.create();
	}

	@AfterAll
	static void drop() {
		db.close();
	}

	@BeforeEach
	void sealEverythingPending() {
		AuditSealer sealer = db.sealer();
		while (sealer.sealOnce() > 0) {
			// drain
		}
	}

	@Test
	void sealsInIdOrderIntoAChainThatVerifies() {
		List<Long> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(db.log.append(event("in order " + i).details(Map.of("n", i, "text", "a, \"b\"")).build()));
		}
		assertThat(db.sealer().sealOnce()).isEqualTo(5);
		List<Map<String, Object>> seals = seals(ids.get(0));
		assertThat(seals).extracting((s) -> s.get("event_id")).containsExactlyElementsOf(ids);
		for (int i = 1; i < seals.size(); i++) {
			assertThat(seals.get(i).get("prev_event_id")).isEqualTo(ids.get(i - 1));
			assertThat(seals.get(i).get("prev_hash")).isEqualTo(seals.get(i - 1).get("hash"));
			assertThat(seals.get(i).get("position")).isEqualTo((Long) seals.get(i - 1).get("position") + 1);
		}
		AuditVerifier.Result result = db.verifier().verify();
		assertThat(result.verified()).isTrue();
		assertThat(result.firstBrokenId()).isNull();
		assertThat(result.headHash()).isEqualTo(seals.get(seals.size() - 1).get("hash"));
		assertThat(result.checkedEvents()).isEqualTo(count("SELECT count(*) FROM tollgate.audit_seal"));
	}

	@Test
	void concurrentInsertsAndTwoSealersYieldOneChainInIdOrder() throws Exception {
		long before = count("SELECT coalesce(max(id), 0) FROM tollgate.audit_event");
		int threads = 8;
		int perThread = 150;
		ExecutorService pool = Executors.newFixedThreadPool(threads + 2);
		AtomicBoolean inserting = new AtomicBoolean(true);
		ConcurrentLinkedQueue<Long> appended = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<?>> writers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				writers.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < perThread; i++) {
						int n = i;
						if (i % 10 == 0) {
							// Several events in one transaction, as a job handler writes
							// them.
							db.tx.executeWithoutResult((status) -> {
								appended.add(db.log.append(event("thread " + thread + " batch " + n).build()));
								appended.add(db.log.append(event("thread " + thread + " batch " + n + "b").build()));
							});
						}
						else {
							appended.add(db.log.append(event("thread " + thread + " event " + n).build()));
						}
					}
					return null;
				}));
			}
			// Two replicas' sealers, competing for the advisory lock while the inserts
			// run.
			List<Future<?>> sealers = new ArrayList<>();
			for (int s = 0; s < 2; s++) {
				AuditSealer sealer = db.sealer();
				sealers.add(pool.submit(() -> {
					while (inserting.get()) {
						sealer.sealOnce();
						Thread.sleep(5);
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> writer : writers) {
				writer.get(2, TimeUnit.MINUTES);
			}
			inserting.set(false);
			for (Future<?> sealer : sealers) {
				sealer.get(1, TimeUnit.MINUTES);
			}
		}
		finally {
			inserting.set(false);
			pool.shutdownNow();
		}
		AuditSealer sealer = db.sealer();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (count("SELECT count(*) FROM tollgate.audit_event e WHERE e.id > " + before
				+ " AND NOT EXISTS (SELECT 1 FROM tollgate.audit_seal s WHERE s.event_id = e.id)") > 0) {
			assertThat(System.nanoTime()).as("everything sealed within 30 s").isLessThan(deadline);
			sealer.sealOnce();
		}
		int expected = threads * (perThread + perThread / 10);
		assertThat(appended).hasSize(expected).doesNotHaveDuplicates();
		List<Map<String, Object>> seals = db.jdbc.sql(
				"SELECT position, event_id, prev_event_id, gap_from FROM tollgate.audit_seal WHERE event_id > ? ORDER BY position")
			.param(before)
			.query()
			.listOfRows();
		assertThat(seals).hasSize(expected);
		assertThat(seals).extracting((s) -> s.get("event_id"))
			.doesNotHaveDuplicates()
			.containsExactlyElementsOf(appended.stream().sorted().toList());
		assertThat(seals).allSatisfy((s) -> assertThat(s.get("gap_from")).isNull());
		for (int i = 1; i < seals.size(); i++) {
			assertThat((Long) seals.get(i).get("position")).isEqualTo((Long) seals.get(i - 1).get("position") + 1);
			assertThat(seals.get(i).get("prev_event_id")).isEqualTo(seals.get(i - 1).get("event_id"));
		}
		AuditVerifier.Result result = db.verifier().verify();
		assertThat(result.verified()).isTrue();
		assertThat(result.checkedEvents()).isEqualTo(count("SELECT count(*) FROM tollgate.audit_seal"));
	}

	@Test
	void aLowerIdThatCommitsLaterIsWaitedForNotSkipped() throws SQLException {
		try (Connection slow = connection()) {
			long held = insertWithoutCommit(slow, "slow transaction");
			long next = db.log.append(event("committed first").build());
			assertThat(next).isGreaterThan(held);
			AuditSealer sealer = db.sealer(this.clock::get, AuditProperties.defaults());
			assertThat(sealer.sealOnce()).isZero();
			assertThat(sealed(next)).isFalse();
			slow.commit();
			assertThat(sealer.sealOnce()).isEqualTo(2);
			assertThat(
					db.jdbc.sql("SELECT event_id FROM tollgate.audit_seal WHERE event_id IN (?, ?) ORDER BY position")
						.params(held, next)
						.query(Long.class)
						.list())
				.containsExactly(held, next);
		}
		assertThat(db.verifier().verify().verified()).isTrue();
	}

	@Test
	void aRolledBackIdBecomesARecordedGapOnceNoTransactionCanHoldIt() throws SQLException {
		long rolledBack;
		try (Connection aborted = connection()) {
			rolledBack = insertWithoutCommit(aborted, "rolled back");
			aborted.rollback();
		}
		long next = db.log.append(event("after the gap").build());
		AuditSealer sealer = db.sealer(this.clock::get, AuditProperties.defaults());
		assertThat(sealer.sealOnce()).isZero();
		this.clock.addAndGet(Duration.ofMillis(1500).toNanos());
		// Past the grace period: sealed as soon as every transaction that was running has
		// ended (the
		// server is shared, so allow other sessions' transactions a few seconds to
		// finish).
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!sealed(next) && System.nanoTime() < deadline) {
			sealer.sealOnce();
			sleep(50);
		}
		assertThat(sealed(next)).as("sealed before the 10 s gap timeout").isTrue();
		assertThat(db.jdbc.sql("SELECT gap_from FROM tollgate.audit_seal WHERE event_id = ?")
			.param(next)
			.query(Long.class)
			.single()).isEqualTo(rolledBack);
		assertThat(db.verifier().verify().verified()).isTrue();
	}

	@Test
	void aRowCommittedAfterItsGapWasGivenUpIsSealedAtTheEnd() throws SQLException {
		long held;
		long next;
		try (Connection slow = connection()) {
			held = insertWithoutCommit(slow, "open for a long time");
			next = db.log.append(event("committed first").build());
			// The open transaction keeps the snapshot xmin back, so only the timeout
			// gives the gap up.
			AuditSealer sealer = db.sealer(this.clock::get, AuditProperties.defaults());
			assertThat(sealer.sealOnce()).isZero();
			this.clock.addAndGet(Duration.ofMillis(1500).toNanos());
			sealer.sealOnce();
			sealer.sealOnce();
			assertThat(sealed(next)).isFalse();
			this.clock.addAndGet(Duration.ofSeconds(10).toNanos());
			assertThat(sealer.sealOnce()).isEqualTo(1);
			assertThat(sealed(next)).isTrue();
			assertThat(sealed(held)).isFalse();
			slow.commit();
			assertThat(sealer.sealOnce()).isEqualTo(1);
		}
		long after = db.log.append(event("after the late one").build());
		assertThat(db.sealer().sealOnce()).isEqualTo(1);
		List<Map<String, Object>> seals = db.jdbc.sql(
				"SELECT event_id, prev_event_id, gap_from FROM tollgate.audit_seal WHERE event_id IN (?, ?, ?) ORDER BY position")
			.params(held, next, after)
			.query()
			.listOfRows();
		assertThat(seals).extracting((s) -> s.get("event_id")).containsExactly(next, held, after);
		assertThat(seals.get(0).get("gap_from")).isEqualTo(held);
		assertThat(seals.get(1).get("prev_event_id")).isEqualTo(next);
		assertThat(seals.get(2).get("prev_event_id")).isEqualTo(held);
		assertThat(seals.get(2).get("gap_from")).isNull();
		AuditVerifier.Result result = db.verifier().verify();
		assertThat(result.verified()).isTrue();
	}

	@Test
	void onlyTheHolderOfTheAdvisoryLockSeals() throws SQLException {
		long id = db.log.append(event("waits for the lock").build());
		try (Connection other = connection(); Statement statement = other.createStatement()) {
			statement.execute("SELECT pg_advisory_xact_lock(" + AuditChain.LOCK_KEY + ")");
			assertThat(db.sealer().sealOnce()).isZero();
			assertThat(sealed(id)).isFalse();
			other.commit();
		}
		assertThat(db.sealer().sealOnce()).isEqualTo(1);
		assertThat(sealed(id)).isTrue();
	}

	@Test
	void theHeadNamesTheLastLink() {
		long id = db.log.append(event("head").build());
		AuditVerifier.Head pending = db.verifier().head();
		assertThat(pending.unsealedEvents()).isEqualTo(1);
		db.sealer().sealOnce();
		AuditVerifier.Head head = db.verifier().head();
		assertThat(head.eventId()).isEqualTo(id);
		assertThat(head.unsealedEvents()).isZero();
		assertThat(head.hash()).matches("[0-9a-f]{64}").isEqualTo(db.verifier().verify().headHash());
		assertThat(head.sealedAt()).isNotNull();
		assertThat(head.position()).isEqualTo(count("SELECT max(position) FROM tollgate.audit_seal"));
	}

	static AuditEvent.Builder event(String reason) {
		return AuditEvent.of(AuditEventType.DECISION, reason).outcome("ALLOWED").issue("1", "OPS-1", "OPS", "Story");
	}

	private static Connection connection() throws SQLException {
		Connection connection = db.dataSource.getConnection();
		connection.setAutoCommit(false);
		return connection;
	}

	private static long insertWithoutCommit(Connection connection, String reason) throws SQLException {
		try (Statement statement = connection.createStatement();
				var rs = statement.executeQuery("INSERT INTO tollgate.audit_event (type, reason) VALUES ('DECISION', '"
						+ reason + "') RETURNING id")) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static boolean sealed(long id) {
		return count("SELECT count(*) FROM tollgate.audit_seal WHERE event_id = " + id) == 1;
	}

	private static List<Map<String, Object>> seals(long fromId) {
		return db.jdbc.sql("SELECT * FROM tollgate.audit_seal WHERE event_id >= ? ORDER BY position")
			.param(fromId)
			.query()
			.listOfRows();
	}

	static long count(String sql) {
		return db.jdbc.sql(sql).query(Long.class).single();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
