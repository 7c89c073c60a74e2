package dev.tollgate.evaluation;

import java.util.List;
import java.util.Set;

import dev.tollgate.policy.Decision;
import dev.tollgate.policy.Transition;
import dev.tollgate.webhook.JiraEvent;

/**
 * One delivery's decisions and what they were made from, ready to be recorded.
 *
 * @param evaluationKey the delivery's evaluation key (its {@code EVALUATE} job's dedup
 * key), from which its decision ids are derived on either path
 */
record Evaluated(String evaluationKey, JiraEvent event, Transition transition, Set<String> roles,
		List<Decision> decisions, long policyVersion) {

	static Transition transition(JiraEvent event) {
		return new Transition(event.issue().projectKey(), event.issue().type(), event.status().from(),
				event.status().to(), event.actorAccountId());
	}

}
