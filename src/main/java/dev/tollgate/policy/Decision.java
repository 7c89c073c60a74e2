package dev.tollgate.policy;

import java.util.Comparator;
import java.util.List;

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

	/**
	 * The decision an explanation leads with, in the API and the console alike: the most
	 * restrictive outcome (an error, then a denial, a wait for approval, an allow, and
	 * ignored last).
	 * @param decisions at least one
	 */
	public static Decision headline(List<Decision> decisions) {
		return decisions.stream().min(Comparator.comparingInt(Decision::severity)).orElseThrow();
	}

	private static int severity(Decision decision) {
		return switch (decision.outcome()) {
			case ERROR -> 0;
			case DENIED -> 1;
			case PENDING_APPROVAL -> 2;
			case ALLOWED -> 3;
			case IGNORED -> 4;
		};
	}

}
