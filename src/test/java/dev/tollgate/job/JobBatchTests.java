package dev.tollgate.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.support.IntegrationTest;
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
 * Jobs claimed and completed in batches (ADR 0035), against the real database: a batch
 * commits in one transaction, and whatever fails in it (a handler, a completion, the
 * connection) costs only the failing job an attempt. The batches are made certain by
 * holding the completions back ({@link JobCompletions#pause}) until the jobs' handlers
 * have all finished.
 */
@Import(JobBatchTests.BatchHandler.class)
@TestPropertySource(properties = { "tollgate.jobs.max-attempts=3", "tollgate.jobs.lease=2s" })
class JobBatchTests extends IntegrationTest implements JobRows {

	static final JobType<Step> BATCH = new JobType<>("BATCH-TEST", Step.class);

	/** The test handler's instructions. */
	record Step(String mode, String marker) {
	}

	/** The transaction each marker's completion committed in (the last that ran it). */
	static final Map<String, Long> COMMITTED_IN = new ConcurrentHashMap<>();

	/** The markers handled, in order, per ordering key. */
	static final Map<String, List<String>> HANDLED = new ConcurrentHashMap<>();

	/** Jobs of an ordering key running at once, and the most seen. */
	static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();

	static final Map<String, AtomicInteger> MOST_AT_ONCE = new ConcurrentHashMap<>();

	@Autowired
	private JobQueue queue;

	@Autowired
	private JobWorker worker;

	@Autowired
	private JdbcClient jdbc;

	@Override
	public JdbcClient jdbc() {
		return this.jdbc;
	}

	@Autowired
	private TransactionTemplate tx;

	@Test
	void completionsThatFinishTogetherCommitInOneTransaction() throws Exception {
		String key = "together-" + UUID.randomUUID();
		List<String> markers = markers(key, 4);
		completeAsOneBatch(markers.stream().map((marker) -> new Step("succeed", marker)).toList(), 4);

		for (String marker : markers) {
			awaitStatus(marker, "SUCCEEDED");
			assertThat(completions(marker)).isEqualTo(1);
			assertThat(attempts(marker)).isEqualTo(1);
		}
		assertThat(markers.stream().map(COMMITTED_IN::get).distinct()).hasSize(1);
	}

	@Test
	void aPoisonHandlerInABatchIsRetriedAndBuriedAloneWhileTheOthersComplete() throws Exception {
		String key = "poison-handler-" + UUID.randomUUID();
		List<String> good = markers(key, 3);
		String poison = key + ":poison";
		List<Step> steps = new ArrayList<>(good.stream().map((marker) -> new Step("succeed", marker)).toList());
		steps.add(1, new Step("throw", poison));
		// The poison job never reaches the completions: its handler threw.
		completeAsOneBatch(steps, 3);

		for (String marker : good) {
			awaitStatus(marker, "SUCCEEDED");
			assertThat(completions(marker)).isEqualTo(1);
			assertThat(attempts(marker)).isEqualTo(1);
		}
		assertThat(good.stream().map(COMMITTED_IN::get).distinct()).hasSize(1);
		awaitStatus(poison, "DEAD");
		assertThat(attempts(poison)).isEqualTo(3);
		assertThat(lastError(poison)).contains("gave up after 3 attempts").contains("handler exploded");
	}

	@Test
	void aPoisonCompletionInABatchIsRetriedAndBuriedAloneWhileTheOthersComplete() throws Exception {
		String key = "poison-completion-" + UUID.randomUUID();
		List<String> good = markers(key, 3);
		String poison = key + ":poison";
		List<Step> steps = new ArrayList<>(good.stream().map((marker) -> new Step("succeed", marker)).toList());
		steps.add(1, new Step("completion-throws", poison));
		completeAsOneBatch(steps, 4);

		for (String marker : good) {
			awaitStatus(marker, "SUCCEEDED");
			assertThat(completions(marker)).isEqualTo(1);
			assertThat(attempts(marker)).isEqualTo(1);
		}
		awaitStatus(poison, "DEAD");
		assertThat(attempts(poison)).isEqualTo(3);
		assertThat(lastError(poison)).contains("completion exploded");
		// Its completion's write was rolled back every time, in the batch and alone.
		assertThat(completions(poison)).isZero();
	}

	@Test
	void aConnectionKilledMidBatchLosesNothing() throws Exception {
		String key = "killed-" + UUID.randomUUID();
		List<String> good = markers(key, 3);
		String killer = key + ":killer";
		List<Step> steps = new ArrayList<>(good.stream().map((marker) -> new Step("succeed", marker)).toList());
		steps.add(1, new Step("kill-first-attempt", killer));
		completeAsOneBatch(steps, 4);

		for (String marker : good) {
			awaitStatus(marker, "SUCCEEDED");
			assertThat(completions(marker)).isEqualTo(1);
			assertThat(attempts(marker)).isEqualTo(1);
		}
		// Its own connection killed in the batch and again alone: the job is taken again
		// (after its lease, or its backoff) and completes once.
		awaitStatus(killer, "SUCCEEDED");
		assertThat(attempts(killer)).isEqualTo(2);
		assertThat(completions(killer)).isEqualTo(1);
	}

	@Test
	void aBatchWhoseLeasesExpiredIsReclaimedAndCompletedOnce() throws Exception {
		String key = "expired-" + UUID.randomUUID();
		List<String> markers = markers(key, 3);
		try (AutoCloseable paused = this.worker.completions().pause()) {
			// As a worker that died leaves them: running, leased, the lease over.
			for (String marker : markers) {
				this.jdbc.sql("""
						INSERT INTO tollgate.job (kind, dedup_key, payload, status, attempts, locked_by, locked_until)
						VALUES (:kind, :key, jsonb_build_object('mode', 'succeed', 'marker', CAST(:key AS text)),
						        'RUNNING', 1, 'dead-worker', now() - interval '1 second')
						""").param("kind", BATCH.kind()).param("key", marker).update();
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> this.worker.completions().waiting() >= 3);
		}
		for (String marker : markers) {
			awaitStatus(marker, "SUCCEEDED");
			assertThat(attempts(marker)).isEqualTo(2);
			assertThat(completions(marker)).isEqualTo(1);
		}
		assertThat(markers.stream().map(COMMITTED_IN::get).distinct()).hasSize(1);
	}

	@Test
	void perIssueOrderHoldsWithBatchedClaimsAndCompletions() {
		String key = "order-" + UUID.randomUUID();
		List<String> issues = List.of(key + ":A", key + ":B", key + ":C");
		Map<String, List<String>> enqueued = new ConcurrentHashMap<>();
		// One transaction, so the claims find them all at once; interleaved across
		// issues.
		this.tx.executeWithoutResult((status) -> {
			for (int i = 0; i < 5; i++) {
				for (String issue : issues) {
					String marker = issue + ":" + i;
					enqueued.computeIfAbsent(issue, (k) -> new ArrayList<>()).add(marker);
					this.queue.enqueueOrdered(BATCH, marker, new Step("ordered", marker), issue);
				}
			}
		});
		for (String issue : issues) {
			awaitStatus(issue + ":4", "SUCCEEDED");
		}
		for (String issue : issues) {
			assertThat(HANDLED.get(issue)).containsExactlyElementsOf(enqueued.get(issue));
			assertThat(MOST_AT_ONCE.get(issue).get()).isEqualTo(1);
			for (String marker : enqueued.get(issue)) {
				assertThat(status(marker)).isEqualTo("SUCCEEDED");
				assertThat(completions(marker)).isEqualTo(1);
			}
		}
	}

	/**
	 * Enqueues the jobs in one transaction (so one claim can take them all) and holds the
	 * completions back until {@code waiting} of them have queued: those then commit as
	 * one batch.
	 */
	private void completeAsOneBatch(List<Step> steps, int waiting) throws Exception {
		try (AutoCloseable paused = this.worker.completions().pause()) {
			this.tx.executeWithoutResult(
					(status) -> steps.forEach((step) -> this.queue.enqueue(BATCH, step.marker(), step)));
			await().atMost(Duration.ofSeconds(20)).until(() -> this.worker.completions().waiting() >= waiting);
		}
	}

	private static List<String> markers(String key, int count) {
		List<String> markers = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			markers.add(key + ":" + i);
		}
		return markers;
	}

	private void awaitStatus(String key, String status) {
		await().atMost(Duration.ofSeconds(30)).until(() -> status.equals(status(key)));
	}

	private long completions(String marker) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.audit_event WHERE reason = ?")
			.param("batch completed " + marker)
			.query(Long.class)
			.single();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class BatchHandler {

		@Bean
		JobHandler<Step> batchHandler(AuditLog audit, JdbcClient jdbc) {
			return new JobHandler<>() {
				@Override
				public JobType<Step> type() {
					return BATCH;
				}

				@Override
				public JobOutcome handle(Job job, Step step) {
					return switch (step.mode()) {
						case "succeed" -> JobOutcome.done(() -> completed(step));
						case "throw" -> throw new IllegalStateException("handler exploded");
						case "completion-throws" -> JobOutcome.done(() -> {
							completed(step);
							throw new IllegalStateException("completion exploded");
						});
						case "kill-first-attempt" -> JobOutcome.done(() -> {
							completed(step);
							if (job.attempts() == 1) {
								// This completion's own connection, nobody else's.
								jdbc.sql("SELECT pg_terminate_backend(pg_backend_pid())").query().listOfRows();
							}
						});
						case "ordered" -> ordered(job, step);
						default -> JobOutcome.failed("unknown mode " + step.mode());
					};
				}

				private JobOutcome ordered(Job job, Step step) {
					String issue = step.marker().substring(0, step.marker().lastIndexOf(':'));
					AtomicInteger running = RUNNING.computeIfAbsent(issue, (k) -> new AtomicInteger());
					int now = running.incrementAndGet();
					MOST_AT_ONCE.computeIfAbsent(issue, (k) -> new AtomicInteger()).accumulateAndGet(now, Math::max);
					HANDLED.computeIfAbsent(issue, (k) -> Collections.synchronizedList(new ArrayList<>()))
						.add(step.marker());
					return JobOutcome.done(() -> {
						completed(step);
						// Counted down in the completion, before the job's row says it
						// finished.
						running.decrementAndGet();
					});
				}

				private void completed(Step step) {
					audit.append(
							AuditEvent.of(AuditEventType.POLICY_CHANGED, "batch completed " + step.marker()).build());
					COMMITTED_IN.put(step.marker(), jdbc.sql("SELECT txid_current()").query(Long.class).single());
				}
			};
		}

	}

}
