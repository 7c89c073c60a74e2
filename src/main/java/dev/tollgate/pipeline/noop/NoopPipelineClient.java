package dev.tollgate.pipeline.noop;

import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.policy.Target;
import org.springframework.stereotype.Component;

/**
 * Records the trigger and calls nothing: for demos and for shadowing a policy before
 * enforcing it.
 */
@Component
class NoopPipelineClient implements PipelineProvider {

	@Override
	public Target.Kind kind() {
		return Target.Kind.NOOP;
	}

	@Override
	public String valuesField() {
		return null;
	}

	@Override
	public void check(Target target, Problems problems) {
		// A NOOP target names nothing to check.
	}

	@Override
	public Run trigger(TriggerCall call) {
		return new Run(null, null);
	}

}
