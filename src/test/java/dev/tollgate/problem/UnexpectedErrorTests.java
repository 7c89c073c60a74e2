package dev.tollgate.problem;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

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

import static dev.tollgate.problem.UnplannedFailures.SECRET_IN_MESSAGE;
import static dev.tollgate.problem.UnplannedFailures.assertOpaque500LoggedOnce;
import static dev.tollgate.problem.UnplannedFailures.throwingFilter;
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

	private static final HttpClient http = HttpClient.newHttpClient();

	@Test
	void anExceptionInAControllerIsAProblem500WithACorrelationIdAndNoInternals() throws Exception {
		assertOpaque500LoggedOnce(() -> api().get("/api/v1/test-failure"));
	}

	@Test
	void anExceptionInAServletFilterIsAProblem500WithACorrelationIdAndNoInternals() throws Exception {
		assertOpaque500LoggedOnce(() -> get("/webhooks/test-failure", null));
	}

	@Test
	void anExceptionInAFilterBehindTheApisSecurityChainIsAProblem500LoggedOnce() throws Exception {
		assertOpaque500LoggedOnce(() -> get("/api/v1/test-filter-failure", ADMIN_TOKEN));
	}

	@Test
	void anExceptionInAFilterOfTheConsoleIsAProblem500LoggedOnce() throws Exception {
		assertOpaque500LoggedOnce(() -> get("/console/test-filter-failure", null));
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

	@TestConfiguration(proxyBeanMethods = false)
	static class Failing {

		@Bean
		FailingController failingController() {
			return new FailingController();
		}

		/** Before Spring Security and MVC, so only the container sees what it throws. */
		@Bean
		FilterRegistrationBean<OncePerRequestFilter> failingFilter() {
			return throwingFilter(Ordered.HIGHEST_PRECEDENCE + 100, "/webhooks/test-failure",
					"/console/test-filter-failure");
		}

		/** Fails once part of its body has gone out. */
		@Bean
		FilterRegistrationBean<OncePerRequestFilter> failingFilterAfterBody() {
			return throwingFilter(Ordered.HIGHEST_PRECEDENCE + 100, (response) -> {
				response.setContentType("text/csv");
				response.getOutputStream().write("id,type\n1,a\n".getBytes());
				response.flushBuffer();
			}, "/webhooks/test-failure-after-body");
		}

		/**
		 * After Spring Security (so behind the bearer token check), before Spring MVC:
		 * where a failure of the request size limit or the token look-up would surface.
		 */
		@Bean
		FilterRegistrationBean<OncePerRequestFilter> failingFilterBehindSecurity() {
			return throwingFilter(0, "/api/v1/test-filter-failure");
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
