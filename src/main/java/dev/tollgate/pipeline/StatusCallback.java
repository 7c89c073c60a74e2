package dev.tollgate.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * What a CI system's status callback said, as its provider read it: not authentic, not a
 * final state, a run that finished, or a deployment that waits for a gate.
 */
public sealed interface StatusCallback {

	/**
	 * The secret, token or signature is missing or did not match.
	 *
	 * @param problem what is wrong, a sentence for the sender that never quotes what it
	 * sent
	 */
	record Rejected(String problem) implements StatusCallback {
	}

	/** Authentic but not a final state of a run (or not an event Tollgate acts on). */
	record Ignored() implements StatusCallback {
	}

	/**
	 * A run that finished.
	 *
	 * @param runId the CI system's id of the run (GitHub run id, GitLab pipeline id,
	 * Jenkins build number), if known
	 * @param scopes the names of the run's home as the CI system gave them (GitHub
	 * repository full name; GitLab project id and path; Jenkins job), lower-case: a run
	 * is matched only where one of them is the home recorded when it was started
	 * @param decisionId the decision id the run carries, if present: checked on top of
	 * the run's identity, never enough on its own
	 * @param result the CI system's word for it (success, failure, cancelled …)
	 * @param duration {@code null} when not reported
	 */
	record Finished(String runId, List<String> scopes, UUID decisionId, String result, boolean succeeded, String runUrl,
			Duration duration) implements StatusCallback {

		public Finished {
			scopes = List.copyOf(scopes);
		}

	}

	/**
	 * A deployment waiting for a gate's answer: a GitHub deployment protection rule, a
	 * GitLab deployment blocked for approval, a Jenkins input step.
	 */
	record Waiting(GateAsk ask) implements StatusCallback {
	}

	static StatusCallback rejected(String problem) {
		return new Rejected(problem);
	}

	static StatusCallback ignored() {
		return new Ignored();
	}

}
