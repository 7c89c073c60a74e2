package dev.tollgate.problem;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import ch.qos.logback.classic.Level;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.ApiClient;
import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.LogEvents;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An error nobody planned for is a 500 problem+json with a correlation id and nothing of
 * the exception: not its class, its message (here carrying a would-be secret) or a stack
 * trace; whether it was thrown in a controller or in a servlet filter, where Spring MVC's
 * handlers never see it.
 */
@Import(UnexpectedErrorTests.Failing.class)
class UnexpectedErrorTests extends IntegrationTest {

	static final String SECRET_IN_MESSAGE = "password=hunter2 at db.internal:5432";

	private static final HttpClient http = HttpClient.newHttpClient();

	@Test
	void anExceptionInAControllerIsAProblem500WithACorrelationIdAndNoInternals() {
		try (LogEvents logs = LogEvents.capture()) {
			assertLoggedOnce(logs, assertOpaque500(api().get("/api/v1/test-failure")));
		}
	}

	@Test
	void anExceptionInAServletFilterIsAProblem500WithACorrelationIdAndNoInternals() throws Exception {
		try (LogEvents logs = LogEvents.capture()) {
			assertLoggedOnce(logs, assertOpaque500(get("/webhooks/test-failure", null)));
		}
	}

	@Test
	void anExceptionInAFilterBehindTheApisSecurityChainIsAProblem500LoggedOnce() throws Exception {
		try (LogEvents logs = LogEvents.capture()) {
			assertLoggedOnce(logs, assertOpaque500(get("/api/v1/test-filter-failure", ADMIN_TOKEN)));
		}
	}

	@Test
	void anExceptionInAFilterOfTheConsoleIsAProblem500LoggedOnce() throws Exception {
		try (LogEvents logs = LogEvents.capture()) {
			assertLoggedOnce(logs, assertOpaque500(get("/console/test-filter-failure", null)));
		}
	}

	@Test
	void anExceptionAfterTheBodyBeganIsLoggedOnceAndTheResponseCutOffNotEndedNormally() {
		try (LogEvents logs = LogEvents.capture()) {
			assertThatExceptionOfType(IOException.class).as("a truncated body must not look complete")
				.isThrownBy(() -> get("/webhooks/test-failure-after-body", null).body());
			assertThat(logs.warningsOrWorse((event) -> LogEvents.carries(event, SECRET_IN_MESSAGE))).singleElement()
				.satisfies((event) -> assertThat(event.getFormattedMessage()).contains("correlation id"));
		}
	}

	private HttpResponse<String> get(String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
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

	@Test
	void aPathNobodyServesIsAProblemToo() throws Exception {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/nothing-here")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("application/problem+json"));
		assertThat(ApiClient.body(response).get("status").asInt()).isEqualTo(404);
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

	@TestConfiguration(proxyBeanMethods = false)
	static class Failing {

		@Bean
		FailingController failingController() {
			return new FailingController();
		}

		/** Before Spring Security and MVC, so only the container sees what it throws. */
		@Bean
		FilterRegistrationBean<OncePerRequestFilter> failingFilter() {
			FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
					new OncePerRequestFilter() {
						@Override
						protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
								FilterChain chain) throws ServletException, IOException {
							throw new IllegalStateException(SECRET_IN_MESSAGE);
						}
					});
			registration.addUrlPatterns("/webhooks/test-failure", "/console/test-filter-failure");
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
			return registration;
		}

		/** Fails once part of its body has gone out. */
		@Bean
		FilterRegistrationBean<OncePerRequestFilter> failingFilterAfterBody() {
			FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
					new OncePerRequestFilter() {
						@Override
						protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
								FilterChain chain) throws ServletException, IOException {
							response.setContentType("text/csv");
							response.getOutputStream().write("id,type\n1,a\n".getBytes());
							response.flushBuffer();
							throw new IllegalStateException(SECRET_IN_MESSAGE);
						}
					});
			registration.addUrlPatterns("/webhooks/test-failure-after-body");
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
			return registration;
		}

		/**
		 * After Spring Security (so behind the bearer token check), before Spring MVC:
		 * where a failure of the request size limit or the token look-up would surface.
		 */
		@Bean
		FilterRegistrationBean<OncePerRequestFilter> failingFilterBehindSecurity() {
			FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
					new OncePerRequestFilter() {
						@Override
						protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
								FilterChain chain) throws ServletException, IOException {
							throw new IllegalStateException(SECRET_IN_MESSAGE);
						}
					});
			registration.addUrlPatterns("/api/v1/test-filter-failure");
			registration.setOrder(0);
			return registration;
		}

	}

	@RestController
	static class FailingController {

		@GetMapping("/api/v1/test-failure")
		String fail() {
			throw new IllegalStateException(SECRET_IN_MESSAGE);
		}

	}

}
