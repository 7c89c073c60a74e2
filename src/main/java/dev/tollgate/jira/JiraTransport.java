package dev.tollgate.jira;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.outbound.OutboundHttp;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.outbound.OutboundHttp.Unreachable;
import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.outbound.OutboundRefused;
import dev.tollgate.outbound.RetryAfter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;

/**
 * One call to Jira Cloud REST v3, with Basic auth ({@code email:apiToken}) against the
 * configured base URL, through the {@link OutboundPolicy} with its time-outs and bounded
 * read, and its answer mapped: a read answers empty on 404, a write's client errors that
 * retrying cannot fix are {@link JiraRejected}, and everything else that is not a success
 * is {@link JiraUnavailable}. Comments, transitions and identity look-ups all call Jira
 * this one way.
 */
final class JiraTransport {

	private static final Logger log = LoggerFactory.getLogger(JiraTransport.class);

	/**
	 * Bigger answers are refused rather than read: no legitimate look-up comes near it.
	 */
	static final int MAX_RESPONSE_BYTES = OutboundHttp.MAX_RESPONSE_BYTES;

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final TypeReference<Object> NOTHING = new TypeReference<>() {
	};

	private final @Nullable OutboundHttp http;

	JiraTransport(JiraProperties properties, OutboundPolicy policy) {
		URI baseUrl = properties.baseUrl();
		if (baseUrl == null) {
			log.warn("tollgate.jira.base-url (TOLLGATE_JIRA_BASE_URL) is not set: Jira comments wait, parked, and "
					+ "decisions that need a Jira look-up (group or project-role bindings) wait and retry until it is "
					+ "set and Tollgate restarted");
			this.http = null;
			return;
		}
		try {
			policy.checkUrl(baseUrl);
		}
		catch (OutboundRefused ex) {
			// Start anyway: every call fails with this reason, so the jobs that need Jira
			// show it.
			log.warn("tollgate.jira.base-url will be refused: {}", ex.getMessage());
		}
		String email = properties.userEmail();
		String token = properties.apiToken();
		boolean credentials = StringUtils.hasText(email) && StringUtils.hasText(token);
		if (!credentials) {
			log.warn("tollgate.jira.user-email or tollgate.jira.api-token is not set: Jira will answer 401");
		}
		this.http = new OutboundHttp(policy, properties.connectTimeout(), properties.readTimeout(), (builder) -> {
			// Paths are appended, so a /ex/jira/{cloudId} prefix is kept.
			builder.baseUrl(StringUtils.trimTrailingCharacter(baseUrl.toString(), '/'))
				.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE);
			if (credentials) {
				builder.defaultHeaders((headers) -> headers.setBasicAuth(email, token, StandardCharsets.UTF_8));
			}
		});
	}

	/** Whether a Jira site is configured at all (without one, nothing can be asked). */
	boolean configured() {
		return this.http != null;
	}

	void destroy() throws Exception {
		if (this.http != null) {
			this.http.destroy();
		}
	}

	/**
	 * One read from Jira, with its failures mapped.
	 * @param path a URI template; it, not the expanded URI, appears in messages
	 * @return the parsed body, or empty on 404
	 */
	<T> Optional<T> get(String path, TypeReference<T> type, Object... uriVariables) {
		String call = "GET " + path;
		return read(call, call(call, HttpMethod.GET, path, uriVariables, null), type);
	}

	/**
	 * A write: a JSON body, and client errors that retrying cannot fix are
	 * {@link JiraRejected}.
	 */
	<T> Optional<T> send(HttpMethod method, String path, Object body, TypeReference<T> type, Object... uriVariables) {
		String call = method.name() + " " + path;
		Answer answer = call(call, method, path, uriVariables, JSON.writeValueAsBytes(body));
		int status = answer.status();
		if (status == 400 || status == 403 || status == 404 || status == 413 || status == 422) {
			throw new JiraRejected(call, status, errorMessage(answer.body()));
		}
		if (status == 204) {
			return Optional.empty();
		}
		return read(call, answer, type);
	}

	/** One call, its answer whatever the status; no answer at all is unavailable. */
	Answer call(String call, HttpMethod method, String path, Object[] uriVariables, byte @Nullable [] body) {
		if (this.http == null) {
			throw JiraUnavailable.notConfigured();
		}
		try {
			return this.http.exchange(method, path, uriVariables, (headers) -> {
			}, body, MediaType.APPLICATION_JSON);
		}
		catch (OutboundRefused ex) {
			throw JiraUnavailable.refused(call, ex);
		}
		catch (Unreachable ex) {
			throw JiraUnavailable.unreachable(call, ex.reason());
		}
	}

	/** The answer's body as the type; empty on 404, unavailable for any other failure. */
	static <T> Optional<T> read(String call, Answer answer, TypeReference<T> type) {
		int status = answer.status();
		if (status == 404) {
			return Optional.empty();
		}
		if (!answer.successful()) {
			throw JiraUnavailable.status(call, status, answer.retryAfter(Instant.now()));
		}
		if (answer.truncated()) {
			throw JiraUnavailable.unreadable(call, "the response is larger than " + MAX_RESPONSE_BYTES + " bytes");
		}
		try {
			return Optional.of(JSON.readValue(answer.body(), type));
		}
		catch (JacksonException ex) {
			throw JiraUnavailable.unreadable(call, "not the expected JSON (" + ex.getOriginalMessage() + ")");
		}
	}

	/**
	 * Jira's own error text ({@code errorMessages}, {@code errors}), bounded; never our
	 * request.
	 */
	private static String errorMessage(byte[] body) {
		try {
			// Only the start: an error text worth quoting is short.
			var node = JSON.readTree((body.length > 16 * 1024) ? Arrays.copyOf(body, 16 * 1024) : body);
			String text = node.path("errorMessages").toString() + " " + node.path("errors").toString();
			return (text.length() > 300) ? text.substring(0, 300) : text;
		}
		catch (JacksonException ex) {
			return "";
		}
	}

	static @Nullable Instant parseRetryAfter(@Nullable String value, Instant now) {
		return RetryAfter.parse(value, now);
	}

}
