package dev.tollgate.job;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.TestDatabase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queue against the real database: claims, leases, retries, dead letters,
 * transactions.
 */
@Import(JobQueueTests.TestHandlers.class)
@TestPropertySource(properties = { "tollgate.jobs.max-attempts=3", "tollgate.jobs.lease=2s" })
class JobQueueTests extends IntegrationTest implements JobRows {

	static final String KIND = "TEST";

	/**
	 * What the test handler runs; any other kind here has no handler, so only the test
	 * claims it.
	 */
	static final JobType<Step> TEST = new JobType<>(KIND, Step.class);

	/**
	 * The test handler's instructions, its payload.
	 *
	 * @param at for {@code retry-at}: the earliest next attempt, epoch millis
	 */
	record Step(String mode, String marker, String orderingKey, Long at) {

		static final Step NONE = new Step(null, null, null, null);

		static Step of(String mode) {
			return new Step(mode, null, null, null);
		}

		static Step succeed(String marker) {
			return new Step("succeed", marker, null, null);
		}

	}

	private static JobType<Step> kind(String kind) {
		return new JobType<>(kind, Step.class);
	}

	@Autowired
	private JobQueue queue;

	@Autowired
	private JobRepository repository;

	@Autowired
	private JdbcClient jdbc;

	@Override
	public JdbcClient jdbc() {
		return this.jdbc;
	}

	@Autowired
	private TransactionTemplate tx;

	@Test
	void concurrentWorkersNeverClaimTheSameJob() throws Exception {
		// A kind no worker in this context handles, so only the claimers below take these
		// jobs.
		String kind = "CLAIM-" + UUID.randomUUID();
		for (int i = 0; i < 200; i++) {
			this.queue.enqueue(kind(kind), kind + ":" + i, Step.NONE);
		}
		List<Callable<List<Long>>> claimers = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			String worker = "worker-" + w;
			claimers.add(() -> {
				List<Long> mine = new ArrayList<>();
				List<Job> batch;
				do {
					batch = this.repository.claim(List.of(kind), 7, worker, Duration.ofMinutes(1), true);
					batch.forEach((job) -> mine.add(job.id()));
				}
				while (!batch.isEmpty());
				return mine;
			});
		}
		ExecutorService pool = Executors.newFixedThreadPool(4);
		List<Long> all = Collections.synchronizedList(new ArrayList<>());
		try {
			for (Future<List<Long>> result : pool.invokeAll(claimers)) {
				all.addAll(result.get());
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(all).hasSize(200).doesNotHaveDuplicates();
	}

	@Test
	void aJobWhoseWorkerDiedIsReclaimedAfterItsLease() {
		String kind = "LEASE-" + UUID.randomUUID();
		this.queue.enqueue(kind(kind), kind, Step.NONE);
		List<Job> first = this.repository.claim(List.of(kind), 10, "dead-worker", Duration.ofMillis(800), true);
		assertThat(first).hasSize(1);
		assertThat(this.repository.claim(List.of(kind), 10, "other-worker", Duration.ofMinutes(1), true)).isEmpty();
		List<Job> reclaimed = new ArrayList<>();
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
			reclaimed.addAll(this.repository.claim(List.of(kind), 10, "other-worker", Duration.ofMinutes(1), true));
			return !reclaimed.isEmpty();
		});
		assertThat(reclaimed.get(0).id()).isEqualTo(first.get(0).id());
		assertThat(reclaimed.get(0).attempts()).isEqualTo(2);
		// The late worker can no longer complete it; the new owner can.
		assertThat(this.repository.markSucceeded(first.get(0), "dead-worker")).isFalse();
		assertThat(this.repository.markSucceeded(reclaimed.get(0), "other-worker")).isTrue();
	}

	@Test
	void aSlowJobKeepsItsLeaseWhileItRuns() {
		String key = "slow-runner-" + UUID.randomUUID();
		this.queue.enqueue(TEST, key, new Step("slow", key, null, null));
		await().atMost(Duration.ofSeconds(5)).until(() -> "RUNNING".equals(status(key)));
		// The job runs three times longer than its 2 s lease; the heartbeat keeps others
		// off it.
		long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
		while (System.nanoTime() < until && "RUNNING".equals(status(key))) {
			assertThat(this.repository.claim(List.of(KIND), 10, "thief", Duration.ofMinutes(1), true))
				.noneMatch((job) -> job.dedupKey().equals(key));
			org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(200)).until(() -> true);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(key)));
		assertThat(attempts(key)).isEqualTo(1);
	}

	@Test
	void aReDrivenJobKnowsItWasTriedBefore() {
		String kind = "REDRIVE-" + UUID.randomUUID();
		this.queue.enqueue(kind(kind), kind, Step.NONE);
		Job first = this.repository.claim(List.of(kind), 1, "w", Duration.ofMinutes(1), true).get(0);
		assertThat(first.triedBefore()).isFalse();
		this.repository.markDead(first, "w", "timed out");
		assertThat(this.repository.retryDead(first.id())).isTrue();
		Job again = this.repository.claim(List.of(kind), 1, "w", Duration.ofMinutes(1), true).get(0);
		assertThat(again.attempts()).isEqualTo(1);
		assertThat(again.triedBefore()).isTrue();
	}

	@Test
	void aSucceededJobRunsItsCompletionOnce() {
		String key = "ok-" + UUID.randomUUID();
		this.queue.enqueue(TEST, key, Step.succeed(key));
		await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(key)));
		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.audit_event WHERE reason = ?")
			.param("job completed " + key)
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	@Test
	void aFailingJobIsRetriedWithBackoffThenDead() {
		String key = "fail-" + UUID.randomUUID();
		this.queue.enqueue(TEST, key, Step.of("fail"));
		await().atMost(Duration.ofSeconds(15)).until(() -> "DEAD".equals(status(key)));
		Map<String, Object> row = this.jdbc.sql("SELECT attempts, last_error FROM tollgate.job WHERE dedup_key = ?")
			.param(key)
			.query()
			.singleRow();
		assertThat(row.get("attempts")).isEqualTo(3);
		assertThat((String) row.get("last_error")).contains("gave up after 3 attempts").contains("upstream exploded");
	}

	@Test
	void afterAFailureTheNextAttemptWaitsForTheBackoff() {
		String key = "slow-" + UUID.randomUUID();
		Instant before = Instant.now();
		this.queue.enqueue(TEST, key, Step.of("fail-then-hold"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "PENDING".equals(status(key)) && attempts(key) == 1 && lastError(key) != null);
		Instant runAt = this.jdbc.sql("SELECT run_at FROM tollgate.job WHERE dedup_key = ?")
			.param(key)
			.query(java.sql.Timestamp.class)
			.single()
			.toInstant();
		// backoff-initial is 200ms in the test configuration.
		assertThat(runAt).isAfterOrEqualTo(before.plusMillis(200));
	}

	@Test
	void notBeforeFromTheHandlerWins() {
		String key = "later-" + UUID.randomUUID();
		Instant notBefore = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
		this.queue.enqueue(TEST, key, new Step("retry-at", null, null, notBefore.toEpochMilli()));
		await().atMost(Duration.ofSeconds(10)).until(() -> "PENDING".equals(status(key)) && attempts(key) == 1);
		Instant runAt = this.jdbc.sql("SELECT run_at FROM tollgate.job WHERE dedup_key = ?")
			.param(key)
			.query(java.sql.Timestamp.class)
			.single()
			.toInstant();
		assertThat(runAt).isEqualTo(notBefore);
		assertThat(lastError(key)).isEqualTo("rate limited");
	}

	@Test
	void aPermanentFailureIsDeadAtOnce() {
		String key = "perm-" + UUID.randomUUID();
		this.queue.enqueue(TEST, key, Step.of("permanent"));
		await().atMost(Duration.ofSeconds(10)).until(() -> "DEAD".equals(status(key)));
		assertThat(attempts(key)).isEqualTo(1);
		assertThat(lastError(key)).isEqualTo("target was deleted");
	}

	@Test
	void aDeadJobCanBeRetried() {
		String key = "redo-" + UUID.randomUUID();
		this.queue.enqueue(TEST, key, Step.of("permanent"));
		await().atMost(Duration.ofSeconds(10)).until(() -> "DEAD".equals(status(key)));
		long id = this.jdbc.sql("SELECT id FROM tollgate.job WHERE dedup_key = ?")
			.param(key)
			.query(Long.class)
			.single();
		assertThat(this.repository.retryDead(id)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> "DEAD".equals(status(key)) && attempts(key) == 1);
		assertThat(this.repository.retryDead(-1)).isFalse();
	}

	@Test
	void enqueueIsRolledBackWithItsTransaction() {
		String key = "rollback-" + UUID.randomUUID();
		this.tx.executeWithoutResult((status) -> {
			assertThat(this.queue.enqueue(TEST, key, Step.succeed(key))).isTrue();
			status.setRollbackOnly();
		});
		assertThat(status(key)).isNull();
	}

	@Test
	void jobsWithTheSameOrderingKeyRunOneAtATimeOldestFirst() {
		String kind = "ORDER-" + UUID.randomUUID();
		this.queue.enqueueOrdered(kind(kind), kind + ":1", Step.NONE, "issue:OPS-1");
		this.queue.enqueueOrdered(kind(kind), kind + ":2", Step.NONE, "issue:OPS-1");
		this.queue.enqueueOrdered(kind(kind), kind + ":3", Step.NONE, "issue:OPS-2");
		List<Job> first = this.repository.claim(List.of(kind), 10, "w", Duration.ofMinutes(1), true);
		assertThat(first).extracting(Job::dedupKey).containsExactlyInAnyOrder(kind + ":1", kind + ":3");
		assertThat(this.repository.claim(List.of(kind), 10, "w", Duration.ofMinutes(1), true)).isEmpty();
		Job one = first.stream().filter((job) -> job.dedupKey().endsWith(":1")).findFirst().orElseThrow();
		assertThat(this.repository.markSucceeded(one, "w")).isTrue();
		assertThat(this.repository.claim(List.of(kind), 10, "w", Duration.ofMinutes(1), true)).extracting(Job::dedupKey)
			.containsExactly(kind + ":2");
	}

	@Test
	void aClaimWalksItsIndexInOrderEvenWhenTheStatisticsPredateTheBacklog() throws SQLException {
		String kind = "PLAN-" + UUID.randomUUID();
		// Statistics taken now, then a backlog they know nothing about: the planner then
		// prefers to
		// read every due job and sort them, which made each claim cost O(backlog) (V14,
		// ADR 0010).
		this.jdbc.sql("ANALYZE tollgate.job").update();
		this.jdbc.sql("""
				INSERT INTO tollgate.job (kind, dedup_key, payload, status, locked_by, locked_until)
				SELECT :kind, :kind || ':' || n, '{}'::jsonb,
				       CASE WHEN n % 2 = 0 THEN 'RUNNING' ELSE 'PENDING' END,
				       CASE WHEN n % 2 = 0 THEN 'dead-worker' END,
				       CASE WHEN n % 2 = 0 THEN now() - interval '1 minute' END
				FROM generate_series(1, 10000) AS n
				""").param("kind", kind).update();
		try {
			// The plans the claim function's two statements really run with, from
			// auto_explain.
			List<String> plans = new ArrayList<>();
			// A connection of its own, not the pool's: the session settings below must
			// not outlive the test.
			TestDatabase.Connection db = TestDatabase.get();
			try (Connection connection = DriverManager.getConnection(db.url(), db.username(), db.password());
					Statement session = connection.createStatement()) {
				session.execute("LOAD 'auto_explain'");
				session.execute("SET auto_explain.log_min_duration = 0");
				session.execute("SET auto_explain.log_nested_statements = on");
				session.execute("SET auto_explain.log_format = json");
				session.execute("SET client_min_messages = log");
				for (boolean expiredLeases : new boolean[] { true, false }) {
					try (PreparedStatement claim = connection
						.prepareStatement("SELECT * FROM tollgate.claim_jobs(?, 16, 'w', 60, ?)")) {
						claim.setArray(1, connection.createArrayOf("text", new String[] { kind }));
						claim.setBoolean(2, expiredLeases);
						claim.executeQuery().close();
						for (SQLWarning w = claim.getWarnings(); w != null; w = w.getNextWarning()) {
							if (w.getMessage().contains("UPDATE tollgate.job")) {
								plans.add(w.getMessage());
							}
						}
					}
				}
			}
			assertThat(plans).hasSize(2);
			assertThat(plans.get(0)).as(plans.get(0)).contains("job_lease_idx");
			assertThat(plans.get(1)).as(plans.get(1)).contains("job_claimable_idx");
			assertThat(plans)
				.allSatisfy((plan) -> assertThat(plan).as(plan).doesNotContain("\"Sort\"").doesNotContain("Bitmap"));
			assertThat(this.repository.claim(List.of(kind), 16, "w", Duration.ofMinutes(1), false)).hasSize(16)
				.extracting(Job::dedupKey)
				.startsWith(kind + ":33", kind + ":35");
		}
		finally {
			this.jdbc.sql("DELETE FROM tollgate.job WHERE kind = :kind").param("kind", kind).update();
		}
	}

	@Test
	void expiredLeasesAreClaimedBeforeDuePendingJobsInOneCall() {
		String kind = "LEASE-" + UUID.randomUUID();
		this.jdbc.sql("""
				INSERT INTO tollgate.job (kind, dedup_key, payload, status, locked_by, locked_until, attempts)
				VALUES (:kind, :kind || ':pending', '{}', 'PENDING', NULL, NULL, 0),
				       (:kind, :kind || ':expired', '{}', 'RUNNING', 'dead-worker', now() - interval '1 second', 1),
				       (:kind, :kind || ':leased', '{}', 'RUNNING', 'live-worker', now() + interval '1 minute', 1)
				""").param("kind", kind).update();
		try {
			List<Job> claimed = this.repository.claim(List.of(kind), 5, "w", Duration.ofMinutes(1), true);

			assertThat(claimed).extracting(Job::dedupKey).containsExactly(kind + ":expired", kind + ":pending");
			assertThat(claimed).extracting(Job::attempts).containsExactly(2, 1);
			assertThat(this.repository.claim(List.of(kind), 5, "w", Duration.ofMinutes(1), true)).isEmpty();
		}
		finally {
			this.jdbc.sql("DELETE FROM tollgate.job WHERE kind = :kind").param("kind", kind).update();
		}
	}

	@Test
	void aJobEnqueuedByACompletionIsHandedOverClaimedAndRunsOnce() {
		String key = "chain-" + UUID.randomUUID();
		try (Births births = recordBirths(key)) {
			this.queue.enqueue(TEST, key, Step.of("chain"));

			await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(key + ":next")));
			assertThat(births.list()).containsExactlyInAnyOrder(key + "=PENDING", key + ":next=RUNNING");
			assertThat(attempts(key + ":next")).isEqualTo(1);
			assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.audit_event WHERE reason = ?")
				.param("job completed " + key + ":next")
				.query(Long.class)
				.single()).isEqualTo(1);
		}
	}

	@Test
	void anOrderedJobIsHandedOverWhenNoOlderJobHoldsItsKey() {
		String key = "chain-ordered-" + UUID.randomUUID();
		try (Births births = recordBirths(key)) {
			this.queue.enqueue(TEST, key, new Step("chain-ordered", null, "order:" + key, null));

			await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(key + ":next")));
			assertThat(births.list()).containsExactlyInAnyOrder(key + "=PENDING", key + ":next=RUNNING");
			assertThat(attempts(key + ":next")).isEqualTo(1);
		}
	}

	@Test
	void anOrderedJobWaitsForAnOlderJobOfItsKeyInsteadOfBeingHandedOver() {
		String key = "chain-held-" + UUID.randomUUID();
		String orderingKey = "order:" + key;
		// An older unfinished job of the same key, of a kind no worker here runs.
		this.queue.enqueueOrdered(kind("NOBODY"), key + ":older", Step.NONE, orderingKey);
		try (Births births = recordBirths(key)) {
			this.queue.enqueue(TEST, key, new Step("chain-ordered", null, orderingKey, null));

			await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(key)));
			assertThat(births.list()).containsExactlyInAnyOrder(key + "=PENDING", key + ":next=PENDING");
			assertThat(status(key + ":next")).isEqualTo("PENDING");

			this.jdbc.sql("UPDATE tollgate.job SET status = 'SUCCEEDED' WHERE dedup_key = ?")
				.param(key + ":older")
				.update();
			await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(key + ":next")));
			assertThat(attempts(key + ":next")).isEqualTo(1);
		}
	}

	@Test
	void aBatchEnqueuedInATransactionIsHandedToTheIdleWorkerExceptWhatItsOrderingKeysHoldBack() {
		String key = "batch-" + UUID.randomUUID();
		awaitIdleWorker(key);
		this.queue.enqueueOrdered(kind("NOBODY"), key + ":older", Step.NONE, "order:" + key + ":held");
		try (Births births = recordBirths(key)) {
			this.tx.executeWithoutResult((status) -> this.queue.enqueueOrdered(TEST,
					List.of(succeed(key + ":a1", "order:" + key + ":a"), succeed(key + ":a2", "order:" + key + ":a"),
							succeed(key + ":b", "order:" + key + ":b"),
							succeed(key + ":held", "order:" + key + ":held"))));

			await().atMost(Duration.ofSeconds(10))
				.until(() -> "SUCCEEDED".equals(status(key + ":a2")) && "SUCCEEDED".equals(status(key + ":b")));
			assertThat(births.list()).containsExactlyInAnyOrder(key + ":a1=RUNNING", key + ":a2=PENDING",
					key + ":b=RUNNING", key + ":held=PENDING");
			assertThat(attempts(key + ":a1")).isEqualTo(1);
			assertThat(attempts(key + ":b")).isEqualTo(1);
			assertThat(status(key + ":held")).isEqualTo("PENDING");
		}
		finally {
			this.jdbc.sql("UPDATE tollgate.job SET status = 'SUCCEEDED' WHERE dedup_key = ?")
				.param(key + ":older")
				.update();
		}
	}

	@Test
	void aRolledBackBatchHandsNothingOverAndGivesItsSlotsBack() {
		String key = "batch-rollback-" + UUID.randomUUID();
		awaitIdleWorker(key);
		List<JobQueue.OrderedJob<Step>> batch = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			batch.add(new JobQueue.OrderedJob<>(key + ":n" + i, Step.of("record"), null));
		}
		for (int round = 0; round < 3; round++) {
			this.tx.executeWithoutResult((status) -> {
				assertThat(this.queue.enqueueOrdered(TEST, batch)).isEqualTo(64);
				status.setRollbackOnly();
			});
		}
		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.job WHERE dedup_key LIKE ?")
			.param(key + ":n%")
			.query(Long.class)
			.single()).isZero();
		// Slots kept by the rolled-back batches would leave the worker nothing to run
		// this with.
		awaitIdleWorker(key + ":after");
		// Handed over although rolled back, they would have run (and failed to complete)
		// by now.
		assertThat(HANDLED).noneMatch((handled) -> handled.startsWith(key + ":n"));
	}

	/**
	 * Runs one job through the worker; its claim, short of the free slots, shows nothing
	 * is due.
	 */
	private void awaitIdleWorker(String key) {
		this.queue.enqueue(TEST, key + ":idle", Step.succeed(key + ":idle"));
		await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(key + ":idle")));
	}

	private static JobQueue.OrderedJob<Step> succeed(String dedupKey, String orderingKey) {
		return new JobQueue.OrderedJob<>(dedupKey, new Step("succeed", dedupKey, orderingKey, null), orderingKey);
	}

	/**
	 * Records how each job row whose dedup key starts with {@code key} was born (its
	 * first status).
	 */
	private Births recordBirths(String key) {
		String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		this.jdbc.sql("CREATE TABLE tollgate.born_" + suffix + " (dedup_key TEXT, status TEXT)").update();
		this.jdbc.sql("""
				CREATE FUNCTION tollgate.born_%1$s() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN INSERT INTO tollgate.born_%1$s VALUES (NEW.dedup_key, NEW.status); RETURN NEW; END $$
				""".formatted(suffix)).update();
		this.jdbc
			.sql("CREATE TRIGGER born_" + suffix
					+ " AFTER INSERT ON tollgate.job FOR EACH ROW WHEN (NEW.dedup_key LIKE '" + key
					+ "%') EXECUTE FUNCTION tollgate.born_" + suffix + "()")
			.update();
		return new Births(this.jdbc, suffix);
	}

	private record Births(JdbcClient jdbc, String suffix) implements AutoCloseable {

		List<String> list() {
			return this.jdbc.sql("SELECT dedup_key || '=' || status FROM tollgate.born_" + this.suffix)
				.query(String.class)
				.list();
		}

		@Override
		public void close() {
			this.jdbc.sql("DROP TRIGGER born_" + this.suffix + " ON tollgate.job").update();
			this.jdbc.sql("DROP FUNCTION tollgate.born_" + this.suffix + "()").update();
			this.jdbc.sql("DROP TABLE tollgate.born_" + this.suffix).update();
		}

	}

	@Test
	void aJobHandedOverByACompletionThatRollsBackNeverExists() {
		String key = "chain-fail-" + UUID.randomUUID();
		this.queue.enqueue(TEST, key, Step.of("chain-then-fail"));

		await().atMost(Duration.ofSeconds(15)).until(() -> "DEAD".equals(status(key)));
		assertThat(status(key + ":next")).isNull();
		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.audit_event WHERE reason = 'job completed never'")
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void whatTheBurialOfAJobWhoseCompletionFailedEnqueuesRunsAtOnce() {
		// The burial runs after the failed completion; the follow-up it enqueues must not
		// be taken by
		// that completion's hand-off (discarded with it), or it sits out a lease as
		// RUNNING.
		String key = "completion-fails-" + UUID.randomUUID();
		this.queue.enqueue(TEST, key, Step.of("completion-fails"));

		await().atMost(Duration.ofSeconds(15)).until(() -> "SUCCEEDED".equals(status(key + ":buried")));
		assertThat(status(key)).isEqualTo("DEAD");
		assertThat(attempts(key + ":buried")).isEqualTo(1);
	}

	@Test
	void aJobStoredByAnEarlierVersionIsHandled() {
		// The row as an enqueue without job types wrote it: the kind as a string and the
		// payload as
		// the JSON of a map, here without the fields the payload record has gained since.
		String key = "old-row-" + UUID.randomUUID();
		this.jdbc.sql("""
				INSERT INTO tollgate.job (kind, dedup_key, payload)
				VALUES ('TEST', :key, jsonb_build_object('mode', 'succeed', 'marker', CAST(:key AS text)))
				""").param("key", key).update();

		await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(key)));
		assertThat(attempts(key)).isEqualTo(1);
		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.audit_event WHERE reason = ?")
			.param("job completed " + key)
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	@Test
	void aPayloadThatDoesNotReadAsItsTypeIsRetriedThenDeadWithoutTellingTheHandler() {
		String key = "unreadable-" + UUID.randomUUID();
		this.jdbc.sql("INSERT INTO tollgate.job (kind, dedup_key, payload) VALUES ('TEST', :key, '[1, 2]'::jsonb)")
			.param("key", key)
			.update();

		await().atMost(Duration.ofSeconds(15)).until(() -> "DEAD".equals(status(key)));
		assertThat(attempts(key)).isEqualTo(3);
		assertThat(lastError(key)).startsWith("gave up after 3 attempts");
	}

	@Test
	void theSameDedupKeyIsEnqueuedOnlyOnce() {
		String key = "dedup-" + UUID.randomUUID();
		assertThat(this.queue.enqueue(kind("NOBODY"), key, Step.NONE)).isTrue();
		assertThat(this.queue.enqueue(kind("NOBODY"), key, Step.NONE)).isFalse();
		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.job WHERE dedup_key = ?")
			.param(key)
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	/** Dedup keys of the jobs the test handler ran in mode {@code record}. */
	static final Set<String> HANDLED = ConcurrentHashMap.newKeySet();

	@TestConfiguration(proxyBeanMethods = false)
	static class TestHandlers {

		@Bean
		JobHandler<Step> testHandler(dev.tollgate.audit.AuditLog audit, JobQueue queue) {
			return new JobHandler<>() {
				@Override
				public JobType<Step> type() {
					return TEST;
				}

				@Override
				public JobOutcome handle(Job job, Step payload) {
					return switch (String.valueOf(payload.mode())) {
						case "succeed" -> JobOutcome.done(() -> audit.append(dev.tollgate.audit.AuditEvent
							.of(dev.tollgate.audit.AuditEventType.POLICY_CHANGED, "job completed " + payload.marker())
							.build()));
						case "chain" -> JobOutcome.done(() -> queue.enqueue(TEST, job.dedupKey() + ":next",
								Step.succeed(job.dedupKey() + ":next")));
						case "record" -> {
							HANDLED.add(job.dedupKey());
							yield JobOutcome.done();
						}
						case "chain-ordered" ->
							JobOutcome.done(() -> queue.enqueueOrdered(TEST, job.dedupKey() + ":next",
									Step.succeed(job.dedupKey() + ":next"), payload.orderingKey()));
						case "chain-then-fail" -> JobOutcome.done(() -> {
							queue.enqueue(TEST, job.dedupKey() + ":next", Step.succeed("never"));
							throw new IllegalStateException("completion exploded after enqueuing");
						});
						case "completion-fails" -> JobOutcome.done(() -> {
							throw new IllegalStateException("completion exploded");
						});
						case "retry-at" -> JobOutcome.retryLater("rate limited", Instant.ofEpochMilli(payload.at()));
						case "permanent" -> JobOutcome.failed("target was deleted");
						case "slow" -> {
							sleep(6000);
							yield JobOutcome.done();
						}
						case "fail-then-hold" -> (job.attempts() == 1) ? fail()
								: JobOutcome.retryLater("held", Instant.now().plus(1, ChronoUnit.HOURS));
						default -> fail();
					};
				}

				@Override
				public void buried(Job job, Step payload, String reason) {
					if ("completion-fails".equals(payload.mode())) {
						// As the real handlers do: a dead job leaves a follow-up (their
						// ERROR comment).
						queue.enqueue(TEST, job.dedupKey() + ":buried", Step.succeed("buried"));
					}
				}

				private void sleep(long millis) {
					try {
						Thread.sleep(millis);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}

				private JobOutcome fail() {
					throw new IllegalStateException("upstream exploded");
				}
			};
		}

	}

}
