package dev.tollgate.webhook;

import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * {@code tollgate_webhooks_received_total{status}}, {@code tollgate_webhook_ack_seconds}
 * and {@code tollgate_webhook_ingest_batch_deliveries} (deliveries per group commit).
 */
@Component
class WebhookMetrics {

	/** The bounded label set: one value per way a delivery can be answered. */
	enum Status {

		QUEUED, IGNORED, DUPLICATE, UNAUTHORIZED,
		/**
		 * A 401 whose signature header names a method other than {@code sha256}: the
		 * sender signs some other way, so every delivery it sends is lost (Jira never
		 * re-sends a 4xx). Counted apart from {@link #UNAUTHORIZED} so that it can be
		 * told from a rotated secret or a probe.
		 */
		UNKNOWN_SIGNATURE_METHOD, TOO_LARGE, MALFORMED, UNAVAILABLE,
		/** The source address is outside {@code tollgate.webhook.allowed-cidrs}: 403. */
		FORBIDDEN_SOURCE,
		/** The source sent too many bad signatures this minute: 429. */
		RATE_LIMITED

	}

	private final Map<Status, Counter> received = new EnumMap<>(Status.class);

	private final Timer ack;

	private final DistributionSummary batch;

	WebhookMetrics(MeterRegistry registry) {
		for (Status status : Status.values()) {
			this.received.put(status,
					Counter.builder("tollgate.webhooks.received")
						.description("Jira webhook deliveries by how they were answered")
						.tag("status", status.name())
						.register(registry));
		}
		this.ack = Timer.builder("tollgate.webhook.ack")
			.description("Time from receiving a Jira delivery to answering it")
			.publishPercentileHistogram()
			.register(registry);
		this.batch = DistributionSummary.builder("tollgate.webhook.ingest.batch")
			.description("Deliveries stored per group commit")
			.baseUnit("deliveries")
			.register(registry);
	}

	void record(Status status, long startNanos) {
		this.received.get(status).increment();
		this.ack.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
	}

	void recordBatch(int size) {
		this.batch.record(size);
	}

}
