package dev.tollgate.problem;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.ApiClient;
import dev.tollgate.support.IntegrationTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;

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
		assertOpaque500(api().get("/api/v1/test-failure"));
	}

	@Test
	void anExceptionInAServletFilterIsAProblem500WithACorrelationIdAndNoInternals() throws Exception {
		assertOpaque500(http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/test-failure")).build(),
				HttpResponse.BodyHandlers.ofString()));
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

	private static void assertOpaque500(HttpResponse<String> response) {
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
			registration.addUrlPatterns("/webhooks/test-failure");
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
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
