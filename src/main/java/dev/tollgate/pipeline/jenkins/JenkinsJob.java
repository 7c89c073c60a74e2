package dev.tollgate.pipeline.jenkins;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.tollgate.pipeline.support.PipelineHttp;
import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpHeaders;
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriUtils;

import static dev.tollgate.pipeline.support.PipelineHttp.bounded;

/**
 * What a Jenkins target names, checked before any request is built from it: the base URL
 * (no trailing slash, a context path such as {@code /jenkins} kept), the job's path and
 * the {@code user:apiToken} credential with its Basic authorization. Credentials only go
 * to this base URL. Never shows the credential in {@code toString()}.
 */
record JenkinsJob(String base, String jobPath, String authorization, String credential) {

	/** The target's base URL, job and credential, each checked. */
	static JenkinsJob of(String baseUrl, String job, Secret credential) {
		// In this order, so that a target with several faults is told of the same one
		// first.
		String base = baseUrl(baseUrl);
		String path = jobPath(job);
		String value = credentialOf(credential);
		return new JenkinsJob(base, path, basicAuth(value), value);
	}

	/**
	 * Removes the credential (and its password part) from text that came from elsewhere.
	 */
	String scrub(String text) {
		if (text == null) {
			return null;
		}
		String scrubbed = text;
		String token = this.credential.substring(this.credential.indexOf(':') + 1);
		for (String secret : List.of(this.credential, token, this.authorization.substring("Basic ".length()))) {
			if (!secret.isEmpty()) {
				scrubbed = scrubbed.replace(secret, "[hidden]");
			}
		}
		return scrubbed;
	}

	@Override
	public String toString() {
		return "JenkinsJob[" + this.base + this.jobPath + "]";
	}

	/**
	 * The base URL without a trailing slash; a context path such as {@code /jenkins} is
	 * kept.
	 */
	static String baseUrl(String baseUrl) {
		return PipelineHttp.baseUrl(baseUrl, null, "Jenkins");
	}

	/**
	 * {@code team/deploy} → {@code /job/team/job/deploy}, each name encoded as one path
	 * segment.
	 */
	static String jobPath(String job) {
		if (!StringUtils.hasText(job)) {
			throw TriggerFailure.permanent("The Jenkins target has no job.");
		}
		String trimmed = job.strip();
		while (trimmed.startsWith("/")) {
			trimmed = trimmed.substring(1);
		}
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		StringBuilder path = new StringBuilder();
		for (String name : trimmed.split("/", -1)) {
			if (name.isBlank() || name.equals(".") || name.equals("..") || name.contains("\\")) {
				throw TriggerFailure.permanent(
						"The Jenkins job '" + bounded(job) + "' is not a job name or a folder path like team/deploy.");
			}
			path.append("/job/").append(UriUtils.encodePathSegment(name, StandardCharsets.UTF_8));
		}
		return path.toString();
	}

	private static String basicAuth(String value) {
		int colon = value.indexOf(':');
		if (colon <= 0 || colon == value.length() - 1) {
			throw TriggerFailure.permanent("The Jenkins credential must have the form user:apiToken.");
		}
		return "Basic " + HttpHeaders.encodeBasicAuth(value.substring(0, colon), value.substring(colon + 1),
				StandardCharsets.UTF_8);
	}

	private static String credentialOf(Secret credential) {
		if (credential == null) {
			throw TriggerFailure.permanent("The Jenkins target has no credential.");
		}
		return credential.reveal();
	}

}
