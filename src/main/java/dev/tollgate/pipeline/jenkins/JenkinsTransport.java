package dev.tollgate.pipeline.jenkins;

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
 * One call to the Jenkins base URL, through the {@link OutboundPolicy} with its time-outs
 * and bounded read, with Basic auth and, when Jenkins asked for one, a CSRF crumb. Every
 * HTTP status comes back as a {@link Answer}; what it means is {@link JenkinsFailures}'s
 * to say. A failure to reach Jenkins becomes a transient {@link TriggerFailure}, a
 * refusal by the outbound policy a permanent one.
 */
final class JenkinsTransport {

	private static final String LOOKS_FIRST = "the next attempt looks for a build with this " + Templates.DECISION_ID
			+ " before sending it again";

	private final CiHttp http;

	JenkinsTransport(OutboundPolicy policy, PipelineProperties properties) {
		this.http = new CiHttp("Jenkins", policy, properties,
				(builder) -> builder.defaultHeader(HttpHeaders.USER_AGENT, "Tollgate"));
	}

	/**
	 * @param path below the base URL, already encoded
	 */
	Answer send(JenkinsJob job, HttpMethod method, String path, byte[] form, Crumb crumb) {
		return send(job, method, path, form, crumb, LOOKS_FIRST);
	}

	/**
	 * @param unanswered what happens after a call Jenkins did not answer, for the reason
	 */
	Answer send(JenkinsJob job, HttpMethod method, String path, byte[] form, Crumb crumb, String unanswered) {
		return this.http.send(method, job.base(), path, (headers) -> {
			headers.set(HttpHeaders.AUTHORIZATION, job.authorization());
			if (method == HttpMethod.GET) {
				headers.set(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE);
			}
			if (crumb != null) {
				headers.set(crumb.field(), crumb.value());
				if (crumb.cookie() != null) {
					headers.set(HttpHeaders.COOKIE, crumb.cookie());
				}
			}
		}, form, MediaType.APPLICATION_FORM_URLENCODED, job::scrub, unanswered);
	}

	void destroy() throws Exception {
		this.http.destroy();
	}

	/** A CSRF crumb with the session cookie it is bound to. */
	record Crumb(String field, String value, String cookie) {

		@Override
		public String toString() {
			return "Crumb[" + this.field + "]";
		}

	}

}
