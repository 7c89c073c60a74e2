package dev.tollgate.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Consumer;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * The one way Tollgate calls out (Jira and every CI system): a {@link RestClient} on the
 * {@link OutboundPolicy}'s connection pool with its time-outs, every status handed back
 * as an {@link Answer} with its body read up to {@link #MAX_RESPONSE_BYTES}, and the two
 * ways a call can fail without an answer: {@link OutboundRefused} (the policy forbids the
 * address: permanent) and {@link Unreachable} (no answer: transient). Each client turns
 * these into its own failure type; which statuses are worth trying again is decided here
 * ({@link Answer#transientStatus()}).
 */
public final class OutboundHttp implements DisposableBean {

	/** Bigger answers are not read further: no answer a client needs comes near it. */
	public static final int MAX_RESPONSE_BYTES = 1024 * 1024;

	private final ClientHttpRequestFactory requestFactory;

	private final RestClient rest;

	private final Duration readTimeout;

	/**
	 * @param defaults default headers and the like for every request of this client
	 */
	public OutboundHttp(OutboundPolicy policy, Duration connectTimeout, Duration readTimeout,
			Consumer<RestClient.Builder> defaults) {
		this.requestFactory = policy.requestFactory(connectTimeout, readTimeout);
		RestClient.Builder builder = RestClient.builder().requestFactory(this.requestFactory);
		defaults.accept(builder);
		this.rest = builder.build();
		this.readTimeout = readTimeout;
	}

	public Duration readTimeout() {
		return this.readTimeout;
	}

	/**
	 * One request; every HTTP status comes back as an {@link Answer}.
	 * @param body {@code null} for none
	 * @throws OutboundRefused if the outbound policy forbids the call
	 * @throws Unreachable if no answer came (connect failure, time-out, broken
	 * connection)
	 */
	public Answer exchange(HttpMethod method, URI uri, Consumer<HttpHeaders> headers, byte @Nullable [] body,
			@Nullable MediaType contentType) {
		return send(this.rest.method(method).uri(uri), headers, body, contentType);
	}

	/**
	 * As {@link #exchange(HttpMethod, URI, Consumer, byte[], MediaType)}, for a URI
	 * template relative to the base URL the client was built with.
	 */
	public Answer exchange(HttpMethod method, String uriTemplate, Object[] uriVariables, Consumer<HttpHeaders> headers,
			byte @Nullable [] body, @Nullable MediaType contentType) {
		return send(this.rest.method(method).uri(uriTemplate, uriVariables), headers, body, contentType);
	}

	private static Answer send(RestClient.RequestBodySpec request, Consumer<HttpHeaders> headers,
			byte @Nullable [] body, @Nullable MediaType contentType) {
		try {
			request.headers(headers);
			if (body != null) {
				if (contentType != null) {
					request.contentType(contentType);
				}
				request.body(body);
			}
			return request.exchange((req, response) -> read(response));
		}
		catch (ResourceAccessException ex) {
			// Time-outs, refused connections, resets; the policy's refusal may arrive
			// wrapped as well.
			Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
			if (cause instanceof OutboundRefused refused) {
				throw refused;
			}
			throw new Unreachable(cause);
		}
	}

	private static Answer read(ClientHttpResponse response) throws IOException {
		int status = response.getStatusCode().value();
		byte[] bytes;
		try (InputStream in = response.getBody()) {
			bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
		}
		boolean truncated = bytes.length > MAX_RESPONSE_BYTES;
		return new Answer(status, response.getHeaders(), truncated ? Arrays.copyOf(bytes, MAX_RESPONSE_BYTES) : bytes,
				truncated);
	}

	@Override
	public void destroy() throws Exception {
		// The request factory owns the connection pool.
		if (this.requestFactory instanceof DisposableBean pool) {
			pool.destroy();
		}
	}

	/**
	 * Whether asking again later can get a different answer than this status: 408, 429
	 * and 5xx. Any other non-2xx status is permanent (a system may add its own signs of a
	 * rate limit, as GitHub's 403 does).
	 */
	public static boolean transientStatus(int status) {
		return status == 408 || status == 429 || status >= 500;
	}

	/**
	 * An upstream answer.
	 *
	 * @param body at most {@link #MAX_RESPONSE_BYTES}
	 * @param truncated whether the answer was longer (and {@code body} only its start)
	 */
	public record Answer(int status, HttpHeaders headers, byte[] body, boolean truncated) {

		public boolean successful() {
			return this.status >= 200 && this.status <= 299;
		}

		/** The body as UTF-8 text, which is what every upstream API here answers in. */
		public String bodyText() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

		/** See {@link OutboundHttp#transientStatus(int)}. */
		public boolean transientStatus() {
			return OutboundHttp.transientStatus(this.status);
		}

		/**
		 * {@code Retry-After} as delay-seconds or HTTP-date; {@code null} if absent or
		 * unreadable.
		 */
		public @Nullable Instant retryAfter(Instant now) {
			return RetryAfter.parse(this.headers.getFirst(HttpHeaders.RETRY_AFTER), now);
		}

		@Override
		public String toString() {
			return "Answer[" + this.status + "]";
		}

	}

	/** No answer came; trying again later may get one. Carries no request data. */
	public static final class Unreachable extends RuntimeException {

		private final Throwable reason;

		Unreachable(Throwable reason) {
			super(reason.getClass().getSimpleName(), null, false, false);
			this.reason = reason;
		}

		/** The most specific cause, for its type and (scrubbed) message. */
		public Throwable reason() {
			return this.reason;
		}

		/**
		 * Whether the connection was never made (so the request was certainly not
		 * received).
		 */
		public boolean connectFailure() {
			return this.reason instanceof ConnectException || this.reason instanceof NoRouteToHostException
					|| this.reason instanceof UnknownHostException || this.reason instanceof ConnectTimeoutException;
		}

		/** Whether the answer did not come within the read time-out. */
		public boolean timedOut() {
			return !connectFailure() && this.reason instanceof InterruptedIOException;
		}

	}

}
