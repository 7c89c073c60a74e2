package dev.tollgate.pipeline;

import java.util.Map;

import dev.tollgate.policy.Target;
import org.springframework.stereotype.Component;

/** Records the trigger and calls nothing: for demos and for shadowing a policy before enforcing it. */
@Component
class NoopPipelineClient implements PipelineClient {

	@Override
	public Target.Kind kind() {
		return Target.Kind.NOOP;
	}

	@Override
	public Run trigger(Target target, TriggerRequest request, Map<String, String> values) {
		return new Run(null, null);
	}

}
