package dev.tollgate.pipeline;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import java.util.Map;

import dev.tollgate.policy.Target;
import dev.tollgate.policy.TargetKindRules;

/**
 * One kind of CI system: checks a target of its kind when it is saved (as
 * {@link TargetKindRules}, so the policy store finds it without depending on this module)
 * and starts its pipeline. The rest of this module reaches a CI system only through this
 * interface.
 */
public interface PipelineProvider extends TargetKindRules {

	/**
	 * Starts the run. Throws {@link TriggerFailure} to say whether trying again can help;
	 * any other exception counts as transient.
	 */
	Run trigger(TriggerCall call);

	/**
	 * @param values the target's inputs/variables/parameters, rendered; the client adds
	 * the decision id under its system's name for it
	 * @param credential resolved from the target's credential reference ({@code null} for
	 * NOOP)
	 * @param attempt 1 for the first attempt; on later attempts a client looks for a run
	 * that an earlier attempt may have started ("outcome unknown" after a timeout) before
	 * sending again
	 */
	record TriggerCall(Target target, TriggerRequest request, Map<String, String> values, Secret credential,
			int attempt) {
	}

	/**
	 * What the CI system told us about the run it started; either may be unknown
	 * ({@code null}).
	 */
	record Run(String runId, String runUrl) {
	}

}
