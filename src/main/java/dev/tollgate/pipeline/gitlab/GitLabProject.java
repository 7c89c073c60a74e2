package dev.tollgate.pipeline.gitlab;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import dev.tollgate.pipeline.support.PipelineHttp;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriUtils;

import static dev.tollgate.pipeline.support.PipelineHttp.bounded;

/**
 * What a GitLab target names, checked before any request is built from it: the base URL
 * (no trailing slash, a relative root such as {@code /gitlab} kept), the project as one
 * encoded path segment, the ref and the credential's value. Anything that could change
 * the request's path is refused here, as a permanent failure. Never shows the credential
 * in {@code toString()}.
 */
record GitLabProject(String base, String project, String ref, String credential) {

	static final String DEFAULT_BASE_URL = "https://gitlab.com";

	static final String TRIGGER_TOKEN = "TRIGGER_TOKEN";

	static final String ACCESS_TOKEN = "ACCESS_TOKEN";

	/** The target's base URL, project, ref and credential, each checked. */
	static GitLabProject of(String baseUrl, String project, String ref, String credential) {
		return new GitLabProject(baseUrl(baseUrl), projectSegment(project), ref, credential);
	}

	String projectPath() {
		return "/api/v4/projects/" + this.project;
	}

	/**
	 * Removes the credential from text that came from elsewhere (a response, an
	 * exception).
	 */
	String scrub(String text) {
		if (text == null || this.credential.isEmpty()) {
			return text;
		}
		return text.replace(this.credential, "[hidden]");
	}

	@Override
	public String toString() {
		return "GitLabProject[" + this.base + this.projectPath() + ", ref=" + this.ref + "]";
	}

	/** The auth mode, {@value #TRIGGER_TOKEN} when none is named. */
	static String auth(String auth) {
		if (!StringUtils.hasText(auth)) {
			return TRIGGER_TOKEN;
		}
		String normalized = auth.strip().toUpperCase(Locale.ROOT);
		if (!normalized.equals(TRIGGER_TOKEN) && !normalized.equals(ACCESS_TOKEN)) {
			throw TriggerFailure.permanent(
					"GitLab auth '" + bounded(auth) + "' is neither " + TRIGGER_TOKEN + " nor " + ACCESS_TOKEN + ".");
		}
		return normalized;
	}

	/**
	 * The base URL without a trailing slash; a relative root such as {@code /gitlab} is
	 * kept.
	 */
	static String baseUrl(String baseUrl) {
		return PipelineHttp.baseUrl(baseUrl, DEFAULT_BASE_URL, "GitLab");
	}

	/**
	 * The project id, or its full path as one encoded segment: {@code acme/shop} →
	 * {@code acme%2Fshop}.
	 */
	static String projectSegment(String project) {
		if (!StringUtils.hasText(project)) {
			throw TriggerFailure.permanent("The GitLab target has no project (numeric id or full path).");
		}
		String trimmed = project.strip();
		for (String part : trimmed.split("/", -1)) {
			if (part.isEmpty() || part.equals(".") || part.equals("..")) {
				throw TriggerFailure.permanent("The GitLab project '" + bounded(trimmed)
						+ "' is not a numeric id or a path like group/project.");
			}
		}
		return UriUtils.encodePathSegment(trimmed, StandardCharsets.UTF_8);
	}

}
