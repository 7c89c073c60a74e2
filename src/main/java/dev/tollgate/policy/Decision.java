package dev.tollgate.policy;

/**
 * The outcome of one rule (or of no rule) for one transition.
 *
 * @param rule {@code null} for {@link Outcome#IGNORED}
 * @param dryRun the rule is in {@code DRY_RUN} mode: recorded, nothing triggered
 * @param reason a sentence a person can read
 */
public record Decision(Outcome outcome, Rule rule, boolean dryRun, String reason) {

	public enum Outcome {

		ALLOWED, DENIED, PENDING_APPROVAL, IGNORED, ERROR

	}

}
