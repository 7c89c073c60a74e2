package dev.tollgate.webhook;

import java.util.List;
import java.util.Set;

/**
 * Decides, inside the ingest transaction, the stored events that can be decided with what
 * is in memory, so that they need no {@code EVALUATE} job. Implemented where decisions
 * are made; ingest only knows that some events may be done already when their delivery
 * commits, and queues an {@code EVALUATE} job for the rest.
 * <p>
 * An implementation writes what it decides in the caller's transaction (so it commits, or
 * rolls back, with the deliveries) and must keep each issue's order: an event may only be
 * decided here when no earlier event of its issue still waits for its evaluation, in this
 * batch or in the job queue ({@link StoredEvent#orderingKey()}).
 */
public interface IngestDecisions {

	/**
	 * @param events the batch's newly stored events, in arrival order
	 * @return the {@link StoredEvent#evaluationKey() evaluation keys} of the events
	 * decided; every other one is queued as an {@code EVALUATE} job
	 */
	Set<String> decide(List<StoredEvent> events);

	/**
	 * One stored event.
	 *
	 * @param evaluationKey unique to the delivery: the dedup key of its {@code EVALUATE}
	 * job, and what its decision ids are derived from on either path, so a delivery is
	 * decided once however it is decided
	 * @param orderingKey the ordering key of the issue's {@code EVALUATE} jobs
	 */
	record StoredEvent(String evaluationKey, String orderingKey, JiraEvent event) {
	}

}
