package dev.tollgate.webhook;

import java.util.List;

/**
 * Decisions made while a batch of deliveries is stored, in the ingest transaction itself,
 * for the events that need nothing from outside (ADR 0034). What is not decided here gets
 * an {@code EVALUATE} job, as every event did before.
 * <p>
 * Implemented by the evaluation module, which owns the decision and already depends on
 * this module for {@link JiraEvent}: ingest asks it through this interface so that the
 * two modules do not depend on each other both ways.
 */
public interface IngestDecisions {

	/**
	 * Decides and records, joining the caller's transaction, the events that can be
	 * decided now. Must leave alone an event whose issue an unfinished {@code EVALUATE}
	 * job or an earlier event of the list that it leaves alone holds, so one issue's
	 * events are still decided in arrival order.
	 * @param events a batch's stored events, in arrival order
	 * @return for each event, whether it was decided here
	 */
	boolean[] decide(List<Stored> events);

	/**
	 * A stored event and the key its {@code EVALUATE} job has or would have, from which
	 * its decision ids derive, so a decision is the same whichever path makes it.
	 */
	record Stored(String evaluationKey, JiraEvent event) {
	}

}
