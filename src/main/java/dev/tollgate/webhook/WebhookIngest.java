package dev.tollgate.webhook;

import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tollgate.job.JobQueue;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores webhook deliveries with group commit. A request hands its delivery to a small
 * set of writer threads and waits; each writer takes everything that queued up while the
 * previous commit was in flight (up to {@value #MAX_BATCH}) and stores it in one
 * transaction: one multi-row insert of delivery rows, whose unique keys stop duplicates
 * (also within a batch and across replicas), and one of their {@code EVALUATE} jobs. Only
 * after that commit is any waiting request answered, so a 2xx still means "durably
 * queued"; under load the commit (a third of PostgreSQL's cost per delivery) and the
 * connection are shared by the whole batch (ADR 0007).
 */
@Service
class WebhookIngest implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(WebhookIngest.class);

	enum Result {

		QUEUED, IGNORED, DUPLICATE

	}

	/** Large enough to amortise a commit, small enough that one statement stays quick. */
	static final int MAX_BATCH = 256;

	/**
	 * Writers commit concurrently, so one batch forms while another waits for its WAL
	 * flush. Each has its own queue and an issue always goes to the same one, so one
	 * issue's deliveries are stored (and their evaluations ordered) in arrival order.
	 */
	private static final int WRITERS = 3;

	/**
	 * Bounded per writer: beyond this backlog a request is answered 503 at once instead
	 * of queueing.
	 */
	private static final int QUEUE_CAPACITY = 2048;

	/**
	 * A request waits at most this long for its commit, then gets a 503 (Jira retries).
	 */
	private static final long WAIT_SECONDS = 5;

	private final List<BlockingQueue<Pending>> queues = new ArrayList<>();

	private final JdbcClient jdbc;

	private final JobQueue jobs;

	private final TransactionTemplate tx;

	private final WebhookMetrics metrics;

	private final List<Thread> writers = new ArrayList<>();

	private volatile boolean running;

	WebhookIngest(JdbcClient jdbc, JobQueue jobs, PlatformTransactionManager transactions, WebhookMetrics metrics) {
		this.jdbc = jdbc;
		this.metrics = metrics;
		this.jobs = jobs;
		this.tx = new TransactionTemplate(transactions);
		this.tx.setTimeout((int) WAIT_SECONDS);
		for (int i = 0; i < WRITERS; i++) {
			this.queues.add(new ArrayBlockingQueue<>(QUEUE_CAPACITY));
		}
	}

	/**
	 * Stores one delivery and returns once it is committed.
	 * @throws DataAccessException or {@link TransactionException} if it could not be
	 * stored (503)
	 */
	/**
	 * @param bodySha256 the hash of the raw signed body: a body stored before is a
	 * {@link Result#DUPLICATE} whatever delivery id comes with it (a unique key beside
	 * the delivery id and the changelog id)
	 */
	Result ingest(String source, String deliveryId, int retryCount, JiraPayloadParser.Parsed parsed,
			String bodySha256) {
		Pending pending = new Pending(source, Objects.requireNonNull(deliveryId), retryCount, parsed, bodySha256,
				new CompletableFuture<>());
		return store(pending);
	}

	private Result store(Pending pending) {
		if (!this.running || !queueOf(pending).offer(pending)) {
			throw new TransientDataAccessResourceException(
					this.running ? "Too many deliveries waiting to be stored" : "Not accepting deliveries");
		}
		try {
			return pending.result().get(WAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			if (pending.result().cancel(false)) {
				// Not answered 2xx, so Jira retries; if the write still commits, the
				// retry is a DUPLICATE.
				throw new QueryTimeoutException("The delivery was not stored within " + WAIT_SECONDS + " s");
			}
			// Completed between the timeout and the cancel: answer what happened.
			return outcome(pending);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			pending.result().cancel(false);
			throw new TransientDataAccessResourceException("Interrupted while storing the delivery");
		}
		catch (ExecutionException ex) {
			throw unavailable(ex.getCause());
		}
	}

	private static Result outcome(Pending pending) {
		try {
			return pending.result().getNow(null);
		}
		catch (CompletionException ex) {
			throw unavailable(ex.getCause());
		}
	}

	/**
	 * A delivery that could not be stored is a 503 (the controller's answer to data
	 * access and transaction failures), whatever the writer ran into: Jira retries it,
	 * nothing is lost.
	 */
	private static RuntimeException unavailable(Throwable cause) {
		if (cause instanceof DataAccessException || cause instanceof TransactionException) {
			return (RuntimeException) cause;
		}
		return new TransientDataAccessResourceException("The delivery could not be stored", cause);
	}

	private BlockingQueue<Pending> queueOf(Pending pending) {
		String issueId = pending.parsed().issueId();
		String key = (issueId != null) ? issueId : pending.deliveryId();
		return this.queues.get(Math.floorMod(key.hashCode(), WRITERS));
	}

	private void writeLoop(BlockingQueue<Pending> queue) {
		List<Pending> batch = new ArrayList<>(MAX_BATCH);
		while (this.running || !queue.isEmpty()) {
			try {
				Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				queue.drainTo(batch, MAX_BATCH - 1);
				// A request that gave up has been answered 503 already; storing it now
				// would only
				// turn Jira's retry into a duplicate.
				batch.removeIf((pending) -> pending.result().isDone());
				write(batch);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (Throwable ex) {
				// Keep the writer alive whatever happened (even an Error such as running
				// out of memory),
				// and answer every request of the batch: a dead writer would leave
				// requests to time out.
				batch.forEach((pending) -> pending.result().completeExceptionally(ex));
				log.error("Delivery writer failed", ex);
			}
			finally {
				batch.clear();
			}
		}
	}

	private void write(List<Pending> batch) {
		if (batch.isEmpty()) {
			return;
		}
		List<Result> results;
		try {
			results = this.tx.execute((status) -> store(batch));
		}
		catch (RuntimeException ex) {
			if (batch.size() > 1 && !isUnavailable(ex)) {
				// One delivery the database refuses must not cost the others their
				// answer.
				batch.forEach((pending) -> write(List.of(pending)));
				return;
			}
			batch.forEach((pending) -> pending.result().completeExceptionally(ex));
			return;
		}
		for (int i = 0; i < batch.size(); i++) {
			batch.get(i).result().complete(results.get(i));
		}
		this.metrics.recordBatch(batch.size());
	}

	private List<Result> store(List<Pending> batch) {
		Map<String, Long> inserted = insertDeliveries(batch);
		List<Result> results = new ArrayList<>(batch.size());
		List<JobQueue.OrderedJob<JiraEvent>> evaluations = new ArrayList<>();
		for (Pending pending : batch) {
			// remove(): a second delivery with the same id in this batch is a duplicate
			// of the first.
			Long id = inserted.remove(pending.key());
			JiraEvent event = pending.parsed().event();
			if (id == null) {
				recordRetry(pending);
				results.add(Result.DUPLICATE);
			}
			else if (event == null) {
				results.add(Result.IGNORED);
			}
			else {
				// One issue's events are evaluated one at a time, in arrival order: a
				// later transition
				// must see what an earlier one decided (an approval request to cancel, a
				// revert to
				// recognise).
				evaluations.add(new JobQueue.OrderedJob<>("evaluate:" + pending.source() + ":" + id, event,
						"issue:" + event.issue().id()));
				results.add(Result.QUEUED);
			}
		}
		this.jobs.enqueueOrdered(JiraEvent.EVALUATE_JOB, evaluations);
		return results;
	}

	/**
	 * Inserts the batch in order; returns the ids of the rows stored, by
	 * {@link Pending#key()}.
	 */
	private Map<String, Long> insertDeliveries(List<Pending> batch) {
		int size = batch.size();
		String[] sources = new String[size];
		String[] deliveryIds = new String[size];
		String[] issueIds = new String[size];
		String[] eventKeys = new String[size];
		String[] webhookEvents = new String[size];
		String[] statuses = new String[size];
		String[] bodyHashes = new String[size];
		Integer[] retryCounts = new Integer[size];
		for (int i = 0; i < size; i++) {
			Pending pending = batch.get(i);
			JiraPayloadParser.Parsed parsed = pending.parsed();
			sources[i] = pending.source();
			deliveryIds[i] = pending.deliveryId();
			issueIds[i] = parsed.issueId();
			eventKeys[i] = parsed.eventKey();
			webhookEvents[i] = parsed.webhookEvent();
			statuses[i] = (parsed.event() != null) ? Result.QUEUED.name() : Result.IGNORED.name();
			retryCounts[i] = pending.retryCount();
			bodyHashes[i] = pending.bodySha256();
		}
		Map<String, Long> ids = new HashMap<>();
		this.jdbc
			.sql("""
					INSERT INTO tollgate.delivery (source, delivery_id, issue_id, event_key, webhook_event, status, retry_count,
					    body_sha256)
					SELECT u.source, u.delivery_id, u.issue_id, u.event_key, u.webhook_event, u.status, u.retry_count,
					    u.body_sha256
					FROM unnest(CAST(:sources AS text[]), CAST(:deliveryIds AS text[]), CAST(:issueIds AS text[]),
					            CAST(:eventKeys AS text[]), CAST(:webhookEvents AS text[]), CAST(:statuses AS text[]),
					            CAST(:retryCounts AS int[]), CAST(:bodyHashes AS text[]))
					     WITH ORDINALITY AS u(source, delivery_id, issue_id, event_key, webhook_event, status, retry_count,
					                          body_sha256, n)
					ORDER BY u.n
					ON CONFLICT DO NOTHING
					RETURNING id, source, delivery_id, issue_id, event_key
					""")
			.param("sources", array(sources))
			.param("deliveryIds", array(deliveryIds))
			.param("issueIds", array(issueIds))
			.param("eventKeys", array(eventKeys))
			.param("webhookEvents", array(webhookEvents))
			.param("statuses", array(statuses))
			.param("retryCounts", array(retryCounts))
			.param("bodyHashes", array(bodyHashes))
			.query((rs,
					row) -> ids.put(key(rs.getString("source"), rs.getString("delivery_id"), rs.getString("issue_id"),
							rs.getString("event_key")), rs.getLong("id")))
			.list();
		return ids;
	}

	/** Keeps the highest retry count Jira reported for a delivery, for operators. */
	private void recordRetry(Pending pending) {
		if (pending.retryCount() > 0) {
			this.jdbc.sql("""
					UPDATE tollgate.delivery SET retry_count = :retryCount
					WHERE source = :source AND delivery_id = :deliveryId AND retry_count < :retryCount
					""")
				.param("retryCount", pending.retryCount())
				.param("source", pending.source())
				.param("deliveryId", pending.deliveryId())
				.update();
		}
	}

	/**
	 * The database is unreachable or too slow: storing the deliveries one by one would
	 * not help.
	 */
	private static boolean isUnavailable(RuntimeException ex) {
		return ex instanceof DataAccessResourceFailureException || ex instanceof TransientDataAccessResourceException
				|| ex instanceof QueryTimeoutException || ex instanceof TransactionException;
	}

	private static SqlParameterValue array(Object[] values) {
		return new SqlParameterValue(Types.ARRAY, values);
	}

	/**
	 * Which request a stored row belongs to. The delivery id alone is not enough: a
	 * sender that reuses one id for two different changes in one batch must not get the
	 * other's answer.
	 */
	private static String key(String source, String deliveryId, String issueId, String eventKey) {
		return source + '\n' + deliveryId + '\n' + issueId + '\n' + eventKey;
	}

	@Override
	public void start() {
		this.running = true;
		for (int i = 0; i < WRITERS; i++) {
			BlockingQueue<Pending> queue = this.queues.get(i);
			Thread writer = new Thread(() -> writeLoop(queue), "tollgate-ingest-" + (i + 1));
			writer.setDaemon(true);
			writer.start();
			this.writers.add(writer);
		}
	}

	@Override
	public void stop() {
		// Runs after the web server's graceful shutdown: the writers store what is
		// queued, then end.
		this.running = false;
		for (Thread writer : this.writers) {
			try {
				writer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS + 5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.writers.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Below the web server's graceful shutdown phase, so requests in flight still get
		// stored.
		return SmartLifecycle.DEFAULT_PHASE - 2048;
	}

	private record Pending(String source, String deliveryId, int retryCount, JiraPayloadParser.Parsed parsed,
			String bodySha256, CompletableFuture<Result> result) {

		String key() {
			return WebhookIngest.key(this.source, this.deliveryId, this.parsed.issueId(), this.parsed.eventKey());
		}

	}

}
