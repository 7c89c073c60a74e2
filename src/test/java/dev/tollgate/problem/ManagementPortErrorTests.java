package dev.tollgate.problem;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import dev.tollgate.support.IntegrationTest;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The management port is a server of its own, with filters of its own: an exception there
 * is answered and logged as on the service port. Same configuration as
 * {@code ManagementPortTests}, so the two share one application.
 */
@TestPropertySource(properties = "management.server.port=0")
class ManagementPortErrorTests extends IntegrationTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalManagementPort
	private int managementPort;

	@Test
	void anExceptionInAFilterOfTheManagementPortIsAProblem500LoggedOnce() throws Exception {
		UnplannedFailures.assertOpaque500LoggedOnce(() -> http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/test-failure"))
					.build(),
				HttpResponse.BodyHandlers.ofString()));
	}

	/**
	 * A failing filter in the management server's context only; Boot imports it there
	 * from the test's {@code ManagementContextConfiguration.imports}.
	 */
	@ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
	static class FailingFilter {

		@Bean
		FilterRegistrationBean<OncePerRequestFilter> failingManagementFilter() {
			return UnplannedFailures.throwingFilter(Ordered.HIGHEST_PRECEDENCE + 100, "/actuator/test-failure");
		}

	}

}
