package dev.tollgate.pipeline;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import java.util.Map;
import java.util.function.UnaryOperator;

import dev.tollgate.policy.Target;
import dev.tollgate.policy.TargetKindRules;

/**
 * One kind of CI system: checks a target of its kind when it is saved (as
 * {@link TargetKindRules}, so the policy store finds it without depending on this module)
 * and starts its pipeline. The rest of this module reaches a CI system only through this
 * interface and its {@link Callbacks}: adding a CI system is one package with both, as
 * beans.
 */
public interface PipelineProvider extends TargetKindRules {

	/**
	 * Starts the run. Throws {@link TriggerFailure} to say whether trying again can help;
	 * any other exception counts as transient.
	 */
	Run trigger(TriggerCall call);

	/**
	 * The run this decision already started, if the CI system can tell ({@code null}
	 * otherwise, also when this kind of target or credential cannot list runs): what a
	 * retried trigger looks for before starting another. Throws {@link TriggerFailure}
	 * like {@link #trigger}.
	 */
	default Run findRun(TriggerCall call) {
		return null;
	}

	/**
	 * Where the target's runs live as this CI system names it in its status callbacks
	 * (GitHub repository full name, GitLab project, Jenkins job), lower-case; recorded
	 * with each started run so that a callback is matched only to a run of its own home.
	 * {@code null} when the system sends no callbacks.
	 */
	default String runScope(Target target) {
		return null;
	}

	/**
	 * Where the target's runs are shown on the web ({@code https://github.com/}, a GitLab
	 * or Jenkins base URL, with a trailing slash): a run URL a callback reports is linked
	 * from Jira only under it. {@code null} when the system sends no callbacks.
	 */
	default String webRoot(Target target) {
		return null;
	}

	/**
	 * Whether a decision id that a callback or gate question names is the run's own word
	 * only, so that it finds a run whose id Tollgate did not learn at dispatch only once
	 * the CI system confirms it ({@link #runDecisionId}): Jenkins, whose notifications
	 * come from the pipeline itself. {@code false} by default.
	 */
	default boolean confirmsDecisionIds() {
		return false;
	}

	/**
	 * The decision id that run {@code runId} of the target carries as the CI system
	 * itself records it (Jenkins: the build's {@code TOLLGATE_DECISION_ID} parameter), or
	 * {@code null} when it carries none, the run does not exist, or the CI system does
	 * not show it to the target's credential. Asked only when
	 * {@link #confirmsDecisionIds()}.
	 * @throws TriggerFailure transient when the CI system could not be asked now
	 */
	default String runDecisionId(Target target, Secret credential, String runId) {
		return null;
	}

	/**
	 * Reads this CI system's status callbacks: authenticates the raw body (secrets
	 * compared in constant time) before parsing it, and says what it reports. A bean of
	 * the provider's package, found by {@link #kind()}; a body that is not valid JSON
	 * throws {@link IllegalArgumentException}.
	 */
	interface Callbacks {

		Target.Kind kind();

		/**
		 * @param header the request's header of that name, or {@code null}
		 */
		StatusCallback read(UnaryOperator<String> header, byte[] body);

	}

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
	 *
	 * @param note what the audit should say about how the run was started, beyond that it
	 * was (for example that values went as text because their declared types could not be
	 * learnt); {@code null} when there is nothing to add
	 */
	record Run(String runId, String runUrl, String note) {

		public Run(String runId, String runUrl) {
			this(runId, runUrl, null);
		}

		/** This run with the note added. */
		public Run noting(String text) {
			return new Run(this.runId, this.runUrl, text);
		}

	}

}
