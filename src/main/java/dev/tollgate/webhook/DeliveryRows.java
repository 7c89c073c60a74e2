package dev.tollgate.webhook;

import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;

import dev.tollgate.job.JobQueue;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The SQL of one group commit: the batch's delivery rows in one multi-row insert whose
 * unique keys decide what is a duplicate (also within the batch and across replicas),
 * then the decisions that can be made at once ({@link IngestDecisions}), then one
 * {@code EVALUATE} job per other stored delivery that carries an event. Runs inside the
 * writer's transaction.
 */
@Component
class DeliveryRows {

	private final JdbcClient jdbc;

	private final JobQueue jobs;

	private final IngestDecisions decisions;

	DeliveryRows(JdbcClient jdbc, JobQueue jobs, IngestDecisions decisions) {
		this.jdbc = jdbc;
		this.jobs = jobs;
		this.decisions = decisions;
	}

	/**
	 * Stores the batch; the answers are in the batch's order.
	 * @param decide whether events may be decided at ingest; {@code false} queues every
	 * one for evaluation, as the fallback when deciding failed
	 */
	List<WebhookIngest.Result> store(List<PendingDelivery> batch, boolean decide) {
		Map<String, Long> inserted = insert(batch);
		List<WebhookIngest.Result> results = new ArrayList<>(batch.size());
		List<IngestDecisions.StoredEvent> stored = new ArrayList<>();
		for (PendingDelivery pending : batch) {
			// remove(): a second delivery with the same id in this batch is a duplicate
			// of the first.
			Long id = inserted.remove(pending.key());
			JiraEvent event = pending.parsed().event();
			if (id == null) {
				recordRetry(pending);
				results.add(WebhookIngest.Result.DUPLICATE);
			}
			else if (event == null) {
				results.add(WebhookIngest.Result.IGNORED);
			}
			else {
				// One issue's events are evaluated one at a time, in arrival order: a
				// later transition must see what an earlier one decided (an approval
				// request to cancel, a revert to recognise).
				stored.add(new IngestDecisions.StoredEvent("evaluate:" + pending.source() + ":" + id,
						"issue:" + event.issue().id(), event));
				results.add(WebhookIngest.Result.QUEUED);
			}
		}
		Set<String> decided = (decide && !stored.isEmpty()) ? this.decisions.decide(stored) : Set.of();
		List<JobQueue.OrderedJob<JiraEvent>> evaluations = new ArrayList<>();
		for (IngestDecisions.StoredEvent event : stored) {
			if (!decided.contains(event.evaluationKey())) {
				evaluations.add(new JobQueue.OrderedJob<>(event.evaluationKey(), event.event(), event.orderingKey()));
			}
		}
		this.jobs.enqueueOrdered(JiraEvent.EVALUATE_JOB, evaluations);
		return results;
	}

	/**
	 * Inserts the batch in order; returns the ids of the rows stored, by
	 * {@link PendingDelivery#key()}. Arrays keep the statement text fixed whatever the
	 * batch size, so it stays one prepared statement.
	 */
	private Map<String, Long> insert(List<PendingDelivery> batch) {
		Map<String, Object> columns = new HashMap<>();
		columns.put("sources", column(batch, String[]::new, PendingDelivery::source));
		columns.put("deliveryIds", column(batch, String[]::new, PendingDelivery::deliveryId));
		columns.put("issueIds", column(batch, String[]::new, (pending) -> pending.parsed().issueId()));
		columns.put("eventKeys", column(batch, String[]::new, (pending) -> pending.parsed().eventKey()));
		columns.put("webhookEvents", column(batch, String[]::new, (pending) -> pending.parsed().webhookEvent()));
		columns.put("statuses", column(batch, String[]::new, DeliveryRows::status));
		columns.put("retryCounts", column(batch, Integer[]::new, PendingDelivery::retryCount));
		columns.put("bodyHashes", column(batch, String[]::new, PendingDelivery::bodySha256));
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
			.params(columns)
			.query((rs,
					row) -> ids.put(PendingDelivery.key(rs.getString("source"), rs.getString("delivery_id"),
							rs.getString("issue_id"), rs.getString("event_key")), rs.getLong("id")))
			.list();
		return ids;
	}

	private static String status(PendingDelivery pending) {
		return ((pending.parsed().event() != null) ? WebhookIngest.Result.QUEUED : WebhookIngest.Result.IGNORED).name();
	}

	/** One column of the batch as an SQL array, in the batch's order. */
	private static <T> SqlParameterValue column(List<PendingDelivery> batch, IntFunction<T[]> array,
			Function<PendingDelivery, T> value) {
		return new SqlParameterValue(Types.ARRAY, batch.stream().map(value).toArray(array));
	}

	/** Keeps the highest retry count Jira reported for a delivery, for operators. */
	private void recordRetry(PendingDelivery pending) {
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

}
