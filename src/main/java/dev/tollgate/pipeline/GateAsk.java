package dev.tollgate.pipeline;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tollgate.policy.Target;

/**
 * A CI system asking whether a deployment may proceed, as its provider read it from a
 * webhook or a poll. Everything here came from the CI system, so none of it is trusted on
 * its own: the gate checks the run against what Tollgate recorded and what Jira says.
 *
 * @param scope where the run lives, as {@link PipelineProvider#runScope} names it
 * (lower-case): only gates whose target has this scope are asked
 * @param subject the run, deployment or build within the scope: one review per gate,
 * subject and environment
 * @param environment the environment (Jenkins: the input id's environment) it waits for
 * @param runId the CI system's run id, to find the run Tollgate started; {@code null}
 * when unknown
 * @param decisionId a decision id the run carries (Jenkins sends it); only checked
 * against the run Tollgate recorded for it
 * @param issueKey an issue key the CI system named explicitly (Jenkins), or {@code null}
 * @param texts where an issue key may be named: branch or ref, the run's title, the head
 * commit message
 * @param answer what the provider needs to answer later (callback URL, installation,
 * deployment and job ids, build URL), all strings
 */
public record GateAsk(Target.Kind provider, String deliveryId, String scope, String subject, String environment,
		String runId, String runUrl, UUID decisionId, String issueKey, List<String> texts, Map<String, String> answer) {

	public GateAsk {
		texts = (texts != null) ? texts.stream().filter((t) -> t != null && !t.isBlank()).toList() : List.of();
		answer = (answer != null) ? Map.copyOf(answer) : Map.of();
	}

}
