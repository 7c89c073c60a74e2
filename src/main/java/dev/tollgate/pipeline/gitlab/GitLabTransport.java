package dev.tollgate.pipeline.gitlab;

import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.pipeline.support.CiHttp;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * One request to a GitLab instance, through the {@link OutboundPolicy} with its time-outs
 * and bounded read. Every HTTP status comes back as a {@link Answer}; what it means is
 * {@link GitLabFailures}'s to say. A failure to reach GitLab becomes a transient
 * {@link TriggerFailure}, a refusal by the outbound policy a permanent one. The URI is
 * handed over already encoded, so the project path is never encoded twice.
 */
final class GitLabTransport {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** How the credential travels. */
	enum Credential {

		/** In the body (a trigger token's form): no header. */
		IN_BODY,

		/** {@code PRIVATE-TOKEN}, as the REST API takes an access token. */
		PRIVATE_TOKEN,

		/**
		 * {@code Authorization: Bearer}, as the GraphQL API documents for access tokens.
		 */
		BEARER

	}

	private final CiHttp http;

	GitLabTransport(OutboundPolicy policy, PipelineProperties properties) {
		this.http = new CiHttp("GitLab", policy, properties,
				(builder) -> builder.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
					.defaultHeader(HttpHeaders.USER_AGENT, "Tollgate"));
	}

	/**
	 * One call; every HTTP status comes back as a {@link Answer}.
	 * @param path below the base URL, already encoded
	 */
	Answer send(GitLabProject project, HttpMethod method, String path, byte[] body, MediaType contentType,
			Credential credential) {
		return this.http.send(method, project.base(), path, (headers) -> {
			if (credential == Credential.PRIVATE_TOKEN) {
				headers.set("PRIVATE-TOKEN", project.credential());
			}
			else if (credential == Credential.BEARER) {
				headers.setBearerAuth(project.credential());
			}
		}, body, contentType, project::scrub,
				"if the request was received, the next attempt "
						+ ((credential != Credential.IN_BODY) ? "looks for the pipeline before sending it again"
								: "sends it again (a trigger token cannot look pipelines up; " + Templates.DECISION_ID
										+ " lets the pipeline spot the repeat)"));
	}

	void destroy() throws Exception {
		this.http.destroy();
	}

}
