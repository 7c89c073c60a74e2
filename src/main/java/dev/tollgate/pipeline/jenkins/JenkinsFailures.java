package dev.tollgate.pipeline.jenkins;

import java.time.Instant;

import dev.tollgate.outbound.OutboundHttp;
import dev.tollgate.outbound.RetryAfter;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpHeaders;

import static dev.tollgate.pipeline.jenkins.JenkinsCrumbs.mentionsCrumb;

/**
 * What an answer from Jenkins other than 2xx means for the attempt: 408, 429 and 5xx are
 * transient (not before Jenkins' {@code Retry-After}), the rest permanent, with a hint
 * worded for the call that failed and the credential removed. A redirect is never
 * followed: it usually means a login page or a wrong base URL.
 */
final class JenkinsFailures {

	private static final String REDIRECTED = " Jenkins redirected (to a login page, or another URL): check the "
			+ "base URL.";

	/** The failure for a trigger's call (the build request, the crumb issuer). */
	TriggerFailure trigger(JenkinsJob job, String call, Answer response) {
		int status = response.status();
		String said = "Jenkins answered " + status + " to " + call + ".";
		TriggerFailure transientFailure = transientFailure(said, response);
		if (transientFailure != null) {
			return transientFailure;
		}
		String hint = switch (status) {
			case 400 -> " Jenkins refused the request: is the job parameterized?";
			case 401 -> " The user or API token is not accepted.";
			case 403 -> mentionsCrumb(response) ? " No valid CSRF crumb was accepted."
					: " The user may not build this job (Job/Build permission).";
			case 404 -> " There is no job at " + job.jobPath() + " (check the folder path and the base URL).";
			default -> (status >= 300 && status < 400) ? REDIRECTED : "";
		};
		return TriggerFailure.permanent(job.scrub(said + hint));
	}

	/** The failure for a gate's answer to an {@code input} step. */
	TriggerFailure gate(JenkinsJob job, String what, String path, Answer response) {
		int status = response.status();
		String said = "Jenkins answered " + status + " to " + what + " (POST " + path + ").";
		TriggerFailure transientFailure = transientFailure(said, response);
		if (transientFailure != null) {
			return transientFailure;
		}
		String hint = switch (status) {
			case 401 -> " The user or API token is not accepted.";
			case 400,
					403 ->
				mentionsCrumb(response) ? " No valid CSRF crumb was accepted."
						: " The target's user may not answer this input: make it the input's submitter, with "
								+ "Job/Build permission.";
			case 404 -> " No such input waits on that build: it was answered already, the build ended, or the "
					+ "input has another id.";
			default -> (status >= 300 && status < 400) ? REDIRECTED : "";
		};
		return TriggerFailure.permanent(job.scrub(said + hint));
	}

	private static TriggerFailure transientFailure(String said, Answer response) {
		if (!OutboundHttp.transientStatus(response.status())) {
			return null;
		}
		return TriggerFailure.transientFailure(said + ((response.status() == 503) ? " Jenkins may be restarting." : ""),
				RetryAfter.parse(response.headers().getFirst(HttpHeaders.RETRY_AFTER), Instant.now()));
	}

}
