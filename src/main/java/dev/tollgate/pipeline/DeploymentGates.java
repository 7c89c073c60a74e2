package dev.tollgate.pipeline;

import java.util.List;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.policy.Gate;
import dev.tollgate.policy.Target;

/**
 * Where a provider's reading of "a deployment waits" goes: the gate module implements it,
 * so this module hands the question on without depending on the module that answers it.
 */
public interface DeploymentGates {

	/** Records the question durably (one review per gate, subject and environment). */
	Intake asked(GateAsk ask);

	enum Intake {

		/** A review was created and its job queued. */
		QUEUED,
		/** Every matching gate already has a review of this subject and environment. */
		DUPLICATE,
		/** No enabled gate guards this environment of this scope. */
		IGNORED,
		/**
		 * A gate matched, but the question is not one Tollgate may answer (a callback URL
		 * or build URL outside the target's base URL); audited.
		 */
		REFUSED

	}

	/**
	 * How one kind of CI system is told a gate's answer. A bean of the provider's
	 * package, found by {@link #kind()} and called through {@link GateAnswers}, which
	 * resolves the credential. Methods throw like {@link PipelineProvider#trigger}: a
	 * {@code TriggerFailure} says whether trying again can help.
	 */
	interface Answers {

		Target.Kind kind();

		/**
		 * Why this question may not be answered through {@code target} ({@code null} when
		 * it may): a URL to call that lies outside the target's base URL, an installation
		 * that is not the target's.
		 */
		String refusal(Target target, GateAsk ask);

		/**
		 * The question as asked of {@code target}, or {@code null} when it is about
		 * another home: by default its scope must be the target's run scope. A provider
		 * whose webhooks name a home in more than one way (GitLab: project id and path)
		 * answers with the question renamed to the target's scope, so the reviews and
		 * started runs it is matched against are found under one name.
		 */
		default GateAsk askedOf(Target target, String targetScope, GateAsk ask) {
			return (ask.scope() != null && ask.scope().equals(targetScope)) ? ask : null;
		}

		/**
		 * The question with what only the CI system's API tells filled in, before it is
		 * decided (GitLab's deployment webhook names the job, not the pipeline that is
		 * the run); the question itself by default.
		 */
		default GateAsk completed(Target target, GateAsk ask, Secret credential) {
			return ask;
		}

		/**
		 * More places an issue key may be named that only the CI system's API tells
		 * (GitHub: the run's title, head commit and pull request titles); nothing by
		 * default.
		 */
		default List<String> moreTexts(Target target, GateAsk ask, Secret credential) {
			return List.of();
		}

		/** Tells the CI system the deployment may proceed or not, with a comment. */
		void answer(Target target, Gate gate, GateAsk ask, boolean approved, String comment, Secret credential);

		/**
		 * Says, once, what a waiting deployment waits for (GitHub's status note); nothing
		 * by default.
		 */
		default void note(Target target, GateAsk ask, String comment, Secret credential) {
		}

		/**
		 * Whether {@link #waiting} is asked every poll interval: for CI systems whose
		 * webhooks can be lost and that can be asked (GitLab).
		 */
		default boolean polled() {
			return false;
		}

		/**
		 * The deployments waiting now in the gate's environment, when {@link #polled()};
		 * nothing by default.
		 */
		default List<GateAsk> waiting(Target target, Gate gate, Secret credential) {
			return List.of();
		}

	}

}
