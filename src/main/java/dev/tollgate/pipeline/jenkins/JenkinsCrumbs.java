package dev.tollgate.pipeline.jenkins;

import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.jenkins.JenkinsTransport.Crumb;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

import static dev.tollgate.pipeline.support.PipelineHttp.parse;
import static dev.tollgate.pipeline.support.PipelineHttp.scalar;

/**
 * CSRF crumbs. API-token requests need none; should Jenkins still answer 403 about a
 * crumb, one is fetched from the crumb issuer, keeping its session cookie, to which the
 * crumb is bound, and the request is sent once more with it.
 */
final class JenkinsCrumbs {

	private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

	private final JenkinsTransport transport;

	private final JenkinsFailures failures;

	JenkinsCrumbs(JenkinsTransport transport, JenkinsFailures failures) {
		this.transport = transport;
		this.failures = failures;
	}

	/** Whether Jenkins' answer speaks of a crumb. */
	static boolean mentionsCrumb(Answer response) {
		return response.bodyText().toLowerCase(Locale.ROOT).contains("crumb");
	}

	/**
	 * Fetches a crumb and the session cookie it is bound to; a 403 naming the crumb made
	 * this necessary.
	 * @param refused the call Jenkins refused, for the reason
	 */
	Crumb fetch(JenkinsJob job, String refused) {
		String call = "GET /crumbIssuer/api/json";
		Answer response = this.transport.send(job, HttpMethod.GET, "/crumbIssuer/api/json", null, null);
		if (response.status() == 404) {
			throw TriggerFailure.permanent("Jenkins answered 403 to " + refused
					+ " about a missing CSRF crumb, but its crumb issuer answers 404 (CSRF "
					+ "protection off). Check the user's Job/Build permission.");
		}
		if (response.status() != 200) {
			throw this.failures.trigger(job, call, response);
		}
		JsonNode json = parse(response.body());
		String field = (json != null) ? scalar(json.path("crumbRequestField")) : null;
		String value = (json != null) ? scalar(json.path("crumb")) : null;
		if (field == null) {
			field = "Jenkins-Crumb";
		}
		if (value == null || !HEADER_NAME.matcher(field).matches()
				|| value.chars().anyMatch((c) -> c < 0x21 || c > 0x7e)) {
			throw TriggerFailure.permanent("Jenkins' crumb issuer (" + call + ") did not answer with a usable crumb.");
		}
		StringJoiner cookies = new StringJoiner("; ");
		for (String setCookie : response.headers().getOrEmpty(HttpHeaders.SET_COOKIE)) {
			String pair = setCookie.split(";", 2)[0].strip();
			if (pair.indexOf('=') > 0) {
				cookies.add(pair);
			}
		}
		return new Crumb(field, value, (cookies.length() > 0) ? cookies.toString() : null);
	}

}
