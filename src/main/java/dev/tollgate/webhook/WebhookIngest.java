package dev.tollgate.webhook;

import dev.tollgate.job.JobQueue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one short transaction of a webhook request: the delivery row (whose unique keys stop
 * duplicates, also under concurrency) and, for an event that needs a decision, its
 * {@code EVALUATE} job. Committed ⇒ durably queued; nothing else happens on the request thread.
 */
@Service
class WebhookIngest {

	enum Result {

		QUEUED, IGNORED, DUPLICATE

	}

	private final JdbcClient jdbc;

	private final JobQueue jobs;

	WebhookIngest(JdbcClient jdbc, JobQueue jobs) {
		this.jdbc = jdbc;
		this.jobs = jobs;
	}

	@Transactional(timeout = 5)
	Result ingest(String source, String deliveryId, int retryCount, JiraPayloadParser.Parsed parsed) {
		Long id = this.jdbc.sql("""
				INSERT INTO tollgate.delivery (source, delivery_id, issue_id, event_key, webhook_event, status, retry_count)
				VALUES (:source, :deliveryId, :issueId, :eventKey, :webhookEvent, :status, :retryCount)
				ON CONFLICT DO NOTHING
				RETURNING id
				""")
			.param("source", source)
			.param("deliveryId", deliveryId)
			.param("issueId", parsed.issueId())
			.param("eventKey", parsed.eventKey())
			.param("webhookEvent", parsed.webhookEvent())
			.param("status", (parsed.event() != null) ? Result.QUEUED.name() : Result.IGNORED.name())
			.param("retryCount", retryCount)
			.query(Long.class)
			.optional()
			.orElse(null);
		if (id == null) {
			recordRetry(source, deliveryId, retryCount);
			return Result.DUPLICATE;
		}
		if (parsed.event() == null) {
			return Result.IGNORED;
		}
		// One issue's events are evaluated one at a time, in arrival order: a later transition must
		// see what an earlier one decided (an approval request to cancel, a revert to recognise).
		this.jobs.enqueueOrdered(JiraEvent.EVALUATE_JOB, "evaluate:" + source + ":" + id, parsed.event(),
				"issue:" + parsed.event().issue().id());
		return Result.QUEUED;
	}

	/** Keeps the highest retry count Jira reported for a delivery, for operators. */
	private void recordRetry(String source, String deliveryId, int retryCount) {
		if (retryCount > 0 && deliveryId != null) {
			this.jdbc.sql("""
					UPDATE tollgate.delivery SET retry_count = :retryCount
					WHERE source = :source AND delivery_id = :deliveryId AND retry_count < :retryCount
					""").param("retryCount", retryCount).param("source", source).param("deliveryId", deliveryId).update();
		}
	}

}
