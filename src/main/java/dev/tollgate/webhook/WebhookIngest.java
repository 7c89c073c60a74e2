package dev.tollgate.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores webhook deliveries with group commit. A request hands its delivery to one of a
 * small set of {@link DeliveryWriter writers} and waits; each writer stores everything
 * that queued up while its previous commit was in flight in one transaction
 * ({@link DeliveryRows}). Only after that commit is any waiting request answered, so a
 * 2xx still means "durably queued"; under load the commit (a third of PostgreSQL's cost
 * per delivery) and the connection are shared by the whole batch (ADR 0007).
 */
@Service
class WebhookIngest implements SmartLifecycle {

	enum Result {

		QUEUED, IGNORED, DUPLICATE

	}

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

	private final List<BlockingQueue<PendingDelivery>> queues = new ArrayList<>();

	private final DeliveryRows rows;

	private final TransactionTemplate tx;

	private final WebhookMetrics metrics;

	private final List<Thread> writers = new ArrayList<>();

	private volatile boolean running;

	WebhookIngest(DeliveryRows rows, PlatformTransactionManager transactions, WebhookMetrics metrics) {
		this.rows = rows;
		this.metrics = metrics;
		this.tx = new TransactionTemplate(transactions);
		this.tx.setTimeout((int) WAIT_SECONDS);
		for (int i = 0; i < WRITERS; i++) {
			this.queues.add(new ArrayBlockingQueue<>(QUEUE_CAPACITY));
		}
	}

	/**
	 * Stores one delivery and returns once it is committed.
	 * @param bodySha256 the hash of the raw signed body: a body stored before is a
	 * {@link Result#DUPLICATE} whatever delivery id comes with it (a unique key beside
	 * the delivery id and the changelog id)
	 * @throws DataAccessException or {@link TransactionException} if it could not be
	 * stored (503)
	 */
	Result ingest(String source, String deliveryId, int retryCount, JiraPayloadParser.Parsed parsed,
			String bodySha256) {
		PendingDelivery pending = new PendingDelivery(source, Objects.requireNonNull(deliveryId), retryCount, parsed,
				bodySha256, new CompletableFuture<>());
		if (!this.running || !this.queues.get(pending.writer(WRITERS)).offer(pending)) {
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

	private static Result outcome(PendingDelivery pending) {
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

	@Override
	public void start() {
		this.running = true;
		for (int i = 0; i < WRITERS; i++) {
			DeliveryWriter loop = new DeliveryWriter(this.queues.get(i), this.rows, this.tx, this.metrics,
					this::isRunning);
			Thread writer = new Thread(loop, "tollgate-ingest-" + (i + 1));
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

}
