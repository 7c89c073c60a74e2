package dev.tollgate.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One writer thread's loop: takes everything that queued up while the previous commit was
 * in flight (up to {@value #MAX_BATCH}), stores it in one transaction and only then
 * answers every request of the batch. Whatever goes wrong, each request gets an answer: a
 * writer never leaves one to time out.
 */
final class DeliveryWriter implements Runnable {

	private static final Logger log = LoggerFactory.getLogger(DeliveryWriter.class);

	/** Large enough to amortise a commit, small enough that one statement stays quick. */
	static final int MAX_BATCH = 256;

	private final BlockingQueue<PendingDelivery> queue;

	private final DeliveryRows rows;

	private final TransactionTemplate tx;

	private final WebhookMetrics metrics;

	private final BooleanSupplier accepting;

	DeliveryWriter(BlockingQueue<PendingDelivery> queue, DeliveryRows rows, TransactionTemplate tx,
			WebhookMetrics metrics, BooleanSupplier accepting) {
		this.queue = queue;
		this.rows = rows;
		this.tx = tx;
		this.metrics = metrics;
		this.accepting = accepting;
	}

	/**
	 * Runs until ingest stops accepting deliveries and the queue is empty: what was
	 * queued is still stored.
	 */
	@Override
	public void run() {
		List<PendingDelivery> batch = new ArrayList<>(MAX_BATCH);
		while (this.accepting.getAsBoolean() || !this.queue.isEmpty()) {
			try {
				PendingDelivery first = this.queue.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				this.queue.drainTo(batch, MAX_BATCH - 1);
				// A request that gave up has been answered 503 already; storing it now
				// would only turn Jira's retry into a duplicate.
				batch.removeIf((pending) -> pending.result().isDone());
				write(batch);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (Throwable ex) {
				// Keep the writer alive whatever happened (even an Error such as running
				// out of memory), and answer every request of the batch: a dead writer
				// would leave requests to time out.
				batch.forEach((pending) -> pending.result().completeExceptionally(ex));
				log.error("Delivery writer failed", ex);
			}
			finally {
				batch.clear();
			}
		}
	}

	private void write(List<PendingDelivery> batch) {
		write(batch, true);
	}

	/**
	 * @param decide whether events may be decided in this transaction; a delivery whose
	 * decision failed alone is stored again without, so that deciding at ingest can never
	 * cost a delivery its storage: its {@code EVALUATE} job decides it
	 */
	private void write(List<PendingDelivery> batch, boolean decide) {
		if (batch.isEmpty()) {
			return;
		}
		List<WebhookIngest.Result> results;
		try {
			results = this.tx.execute((status) -> this.rows.store(batch, decide));
		}
		catch (RuntimeException ex) {
			if (batch.size() > 1 && !isUnavailable(ex)) {
				// One delivery the database refuses must not cost the others their
				// answer.
				batch.forEach((pending) -> write(List.of(pending), decide));
				return;
			}
			if (decide && !isUnavailable(ex)) {
				storeForEvaluation(batch.get(0), ex);
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

	/**
	 * A delivery that could not be stored with its decision: stored again with an
	 * {@code EVALUATE} job instead. If that fails too, the delivery itself is refused
	 * (503) and nothing is logged here: the row, not the decision, was the problem.
	 */
	private void storeForEvaluation(PendingDelivery pending, RuntimeException decideFailure) {
		List<WebhookIngest.Result> results;
		try {
			results = this.tx.execute((status) -> this.rows.store(List.of(pending), false));
		}
		catch (RuntimeException ex) {
			pending.result().completeExceptionally(ex);
			return;
		}
		log.warn("Deciding a delivery at ingest failed; it was stored for evaluation by a job instead", decideFailure);
		pending.result().complete(results.get(0));
		this.metrics.recordBatch(1);
	}

	/**
	 * The database is unreachable or too slow: storing the deliveries one by one would
	 * not help.
	 */
	private static boolean isUnavailable(RuntimeException ex) {
		return ex instanceof DataAccessResourceFailureException || ex instanceof TransientDataAccessResourceException
				|| ex instanceof QueryTimeoutException || ex instanceof TransactionException;
	}

}
