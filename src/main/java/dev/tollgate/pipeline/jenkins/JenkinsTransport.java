package dev.tollgate.pipeline.jenkins;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import dev.tollgate.outbound.OutboundHttp;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.outbound.OutboundHttp.Unreachable;
import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.outbound.OutboundRefused;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

import static dev.tollgate.pipeline.support.PipelineHttp.bounded;
import static dev.tollgate.pipeline.support.PipelineHttp.withoutQuery;

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

	private final OutboundHttp http;

	JenkinsTransport(OutboundPolicy policy, PipelineProperties properties) {
		this.http = new OutboundHttp(policy, properties.connectTimeout(), properties.readTimeout(),
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
		URI uri = URI.create(job.base() + path);
		String call = method.name() + " " + withoutQuery(path);
		try {
			Answer answer = this.http.exchange(method, uri, (headers) -> {
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
			}, form, MediaType.APPLICATION_FORM_URLENCODED);
			return answer;
		}
		catch (OutboundRefused ex) {
			throw TriggerFailure.permanent(ex.getMessage());
		}
		catch (Unreachable ex) {
			Throwable cause = ex.reason();
			String what = cause.getClass().getSimpleName()
					+ ((cause.getMessage() != null) ? ": " + job.scrub(bounded(cause.getMessage())) : "");
			throw TriggerFailure
				.transientFailure("Jenkins did not answer " + call + " (" + what + "); " + unanswered + ".", null);
		}
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
