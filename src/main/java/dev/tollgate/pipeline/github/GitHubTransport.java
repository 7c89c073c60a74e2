package dev.tollgate.pipeline.github;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.outbound.OutboundHttp;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.outbound.OutboundHttp.Unreachable;
import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.outbound.OutboundRefused;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.util.DefaultUriBuilderFactory;

/**
 * One request to GitHub's REST API, through the {@link OutboundPolicy} with its time-outs
 * and bounded read, carrying the bearer credential and the headers GitHub asks for. A
 * failure to reach GitHub becomes a transient {@link TriggerFailure}, a refusal by the
 * outbound policy a permanent one; what a status means is {@link GitHubFailures}'s to
 * say. Dispatch, run look-up, the App's token purchase and gates all call GitHub this one
 * way.
 */
final class GitHubTransport {

	static final String API_VERSION = "2022-11-28";

	static final String USER_AGENT = "tollgate";

	/** Bigger answers are not read: no legitimate answer comes near it. */
	static final int MAX_RESPONSE_BYTES = OutboundHttp.MAX_RESPONSE_BYTES;

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final MediaType GITHUB_JSON = MediaType.parseMediaType("application/vnd.github+json");

	private final OutboundHttp http;

	private final DefaultUriBuilderFactory uris = new DefaultUriBuilderFactory();

	GitHubTransport(OutboundPolicy policy, PipelineProperties properties) {
		this.http = new OutboundHttp(policy, properties.connectTimeout(), properties.readTimeout(), (builder) -> {
		});
	}

	/**
	 * One request; the answer with its body read (bounded). Transport failures become
	 * transient {@link TriggerFailure}s, a refusal by the outbound policy a permanent
	 * one.
	 * @param afterSent whether a timeout after sending leaves the outcome unknown (worth
	 * saying)
	 */
	Response send(HttpMethod method, URI uri, String bearer, byte[] body, String what, boolean afterSent) {
		try {
			Answer answer = this.http.exchange(method, uri, (headers) -> {
				headers.setBearerAuth(bearer);
				headers.setAccept(List.of(GITHUB_JSON));
				headers.set("X-GitHub-Api-Version", API_VERSION);
				headers.set(HttpHeaders.USER_AGENT, USER_AGENT);
			}, body, MediaType.APPLICATION_JSON);
			// A body over the limit is not read at all: a page cut short could hide the
			// run sought.
			return new Response(answer.status(), answer.headers(), answer.truncated() ? new byte[0] : answer.body(),
					answer.truncated());
		}
		catch (OutboundRefused ex) {
			throw TriggerFailure.permanent("Tollgate may not call GitHub for " + what + ": " + ex.getMessage());
		}
		catch (Unreachable ex) {
			throw unreachable(what, ex, afterSent);
		}
	}

	private TriggerFailure unreachable(String what, Unreachable ex, boolean afterSent) {
		String cause = ex.reason().getClass().getSimpleName();
		String reason;
		if (ex.connectFailure()) {
			reason = "could not connect to GitHub (" + cause + ")";
		}
		else if (ex.timedOut()) {
			reason = "GitHub did not answer within " + this.http.readTimeout().toMillis() + " ms";
		}
		else {
			reason = "the connection to GitHub failed (" + cause + ")";
		}
		String unknown = (afterSent && !ex.connectFailure())
				? "; the outcome is unknown, so the next attempt first looks for a run carrying the decision id" : "";
		return TriggerFailure.transientFailure("GitHub: " + what + " failed: " + reason + unknown + ".", null);
	}

	/** A URI from a template, each variable encoded. */
	URI expand(String template, Object... variables) {
		return this.uris.expand(template, variables);
	}

	void destroy() throws Exception {
		this.http.destroy();
	}

	static String text(JsonNode node) {
		return (node != null && node.isString()) ? node.stringValue() : null;
	}

	/** A number or string id as text. */
	static String scalar(JsonNode node) {
		if (node == null) {
			return null;
		}
		if (node.isIntegralNumber()) {
			return String.valueOf(node.asLong());
		}
		return (node.isString() && !node.stringValue().isBlank()) ? node.stringValue() : null;
	}

	/** A response with its body; the body is empty if it was too large to read. */
	record Response(int status, HttpHeaders headers, byte[] body, boolean truncated) {

		boolean successful() {
			return this.status >= 200 && this.status <= 299;
		}

		String bodyText() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

		/** The body's JSON object; {@code null} if it is empty or not an object. */
		JsonNode json() {
			if (this.body.length == 0) {
				return null;
			}
			try {
				JsonNode node = JSON.readTree(this.body);
				return (node != null && node.isObject()) ? node : null;
			}
			catch (JacksonException ex) {
				return null;
			}
		}

		@Override
		public String toString() {
			return "Response[" + this.status + "]";
		}

	}

}
