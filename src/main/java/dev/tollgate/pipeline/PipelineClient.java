package dev.tollgate.pipeline;

import java.util.Map;

import dev.tollgate.policy.Target;

/** Starts a pipeline on one kind of CI system. */
interface PipelineClient {

	Target.Kind kind();

	/**
	 * Starts the run. Throws {@link TriggerFailure} to say whether trying again can help.
	 * @param values the target's inputs/variables/parameters, already rendered, plus the decision id
	 */
	Run trigger(Target target, TriggerRequest request, Map<String, String> values);

	/** What the CI system told us about the run it started; both may be unknown. */
	record Run(String runId, String runUrl) {
	}

}
