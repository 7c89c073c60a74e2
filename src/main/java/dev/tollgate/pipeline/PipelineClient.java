package dev.tollgate.pipeline;

import java.util.Map;

import dev.tollgate.policy.Target;

/** Starts a pipeline on one kind of CI system. */
interface PipelineClient {

	Target.Kind kind();

	/**
	 * Starts the run. Throws {@link TriggerFailure} to say whether trying again can help; any other
	 * exception counts as transient.
	 */
	Run trigger(TriggerCall call);

	/**
	 * @param values the target's inputs/variables/parameters, rendered; the client adds the decision
	 * id under its system's name for it
	 * @param credential resolved from the target's credential reference ({@code null} for NOOP)
	 * @param attempt 1 for the first attempt; on later attempts a client looks for a run that an
	 * earlier attempt may have started ("outcome unknown" after a timeout) before sending again
	 */
	record TriggerCall(Target target, TriggerRequest request, Map<String, String> values, Secret credential,
			int attempt) {
	}

	/** What the CI system told us about the run it started; either may be unknown ({@code null}). */
	record Run(String runId, String runUrl) {
	}

}
