package dev.tollgate.problem;

import java.io.IOException;
import java.net.http.HttpResponse;

import ch.qos.logback.classic.Level;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.ApiClient;
import dev.tollgate.support.LogEvents;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of unplanned errors share, on whichever port: filters that throw an
 * exception whose message carries a would-be secret, and the check that such a failure is
 * answered as an opaque 500 problem and logged exactly once.
 */
final class UnplannedFailures {

	static final String SECRET_IN_MESSAGE = "password=hunter2 at db.internal:5432";

	private UnplannedFailures() {
	}

	/** A request that is expected to fail unplanned. */
	@FunctionalInterface
	interface Request {

		HttpResponse<String> send() throws Exception;

	}

	/** What a failing filter writes before it throws. */
	@FunctionalInterface
	interface Start {

		void write(HttpServletResponse response) throws IOException;

	}

	/**
	 * Sends the request while capturing the log, and asserts an opaque 500 logged once.
	 */
	static void assertOpaque500LoggedOnce(Request request) throws Exception {
		try (LogEvents logs = LogEvents.capture()) {
			assertLoggedOnce(logs, assertOpaque500(request.send()));
		}
	}

	/** A filter on {@code paths} that throws before writing anything. */
	static FilterRegistrationBean<OncePerRequestFilter> throwingFilter(int order, String... paths) {
		return throwingFilter(order, (response) -> {
		}, paths);
	}

	/** A filter on {@code paths} that writes {@code start}, then throws. */
	static FilterRegistrationBean<OncePerRequestFilter> throwingFilter(int order, Start start, String... paths) {
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
				new OncePerRequestFilter() {
					@Override
					protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
							FilterChain chain) throws IOException {
						start.write(response);
						throw new IllegalStateException(SECRET_IN_MESSAGE);
					}
				});
		registration.addUrlPatterns(paths);
		registration.setOrder(order);
		return registration;
	}

	/**
	 * One line, at ERROR, with the exception's trace and the correlation id the caller
	 * was given; nothing else (the container's or Spring's own line) about the same
	 * failure.
	 */
	static void assertLoggedOnce(LogEvents logs, String correlationId) {
		assertThat(logs.warningsOrWorse((event) -> LogEvents.carries(event, SECRET_IN_MESSAGE)
				|| event.getFormattedMessage().contains(correlationId)))
			.singleElement()
			.satisfies((event) -> {
				assertThat(event.getLevel()).isEqualTo(Level.ERROR);
				assertThat(event.getFormattedMessage()).contains(correlationId);
				assertThat(LogEvents.carries(event, SECRET_IN_MESSAGE)).as("carries the exception").isTrue();
				assertThat(event.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
			});
	}

	/** Asserts the body says nothing of the exception; returns its correlation id. */
	static String assertOpaque500(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("application/problem+json"));
		JsonNode body = ApiClient.body(response);
		assertThat(body.get("type").asString()).isEqualTo(ProblemType.INTERNAL_ERROR.uri().toString());
		assertThat(body.get("status").asInt()).isEqualTo(500);
		String correlationId = body.get("correlationId").asString();
		assertThat(correlationId).matches("[0-9a-f-]{36}");
		assertThat(body.get("detail").asString()).contains(correlationId);
		assertThat(response.body()).doesNotContain("hunter2", "db.internal", "IllegalStateException", "Exception",
				"trace", "at dev.tollgate", "java.");
		return correlationId;
	}

}
