package dev.tollgate.config;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * Security headers on every kind of answer (admin API, webhook, errors), error bodies
 * without internals, and an actuator that shows nothing but health and prometheus.
 */
class SecurityHeadersTests extends IntegrationTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	private WebApplicationContext context;

	@Test
	void anAdminApiAnswerCarriesTheHeaders() {
		HttpResponse<String> response = api().get("/api/v1/roles");
		assertThat(response.statusCode()).isEqualTo(200);
		assertSecurityHeaders(response.headers());
	}

	@Test
	void aWebhookAnswerCarriesTheHeaders() {
		HttpResponse<String> response = webhooks().send(JiraPayloads.fieldEdit("1" + System.nanoTime(), "1"),
				UUID.randomUUID().toString());
		assertThat(response.statusCode()).isEqualTo(202);
		assertSecurityHeaders(response.headers());
	}

	@Test
	void errorAnswersCarryTheHeaders() {
		assertSecurityHeaders(api("wrong-token").get("/api/v1/roles").headers());
		assertSecurityHeaders(api().get("/api/v1/roles/no-such-role-" + UUID.randomUUID()).headers());
		assertSecurityHeaders(webhooks().send(new byte[] { '{' }, null, "sha256=00").headers());
	}

	@Test
	void hstsIsSentOnHttpsRequests() throws Exception {
		// Over plain http HSTS means nothing (and browsers ignore it); behind TLS it must
		// be there.
		MockMvc mvc = MockMvcBuilders.webAppContextSetup(this.context)
			.addFilters(this.context.getBean("springSecurityFilterChain", Filter.class))
			.build();
		MvcResult secure = mvc.perform(get("/actuator/health").secure(true)).andReturn();
		assertThat(secure.getResponse().getHeader("Strict-Transport-Security")).contains("max-age=");
		MvcResult plain = mvc.perform(get("/actuator/health")).andReturn();
		assertThat(plain.getResponse().getHeader("Strict-Transport-Security")).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/v1/audit?since=yesterday", "/api/v1/audit?limit=-5",
			"/api/v1/audit?cursor=not-a-cursor!", "/api/v1/audit?cursor=AAAA", "/api/v1/jobs?status=SOMETIMES",
			"/api/v1/rules/not-a-number", "/api/v1/audit/export?format=xml", "/api/v1/approvals/xyz/approve" })
	void malformedRequestsGetNoInternalsBack(String path) {
		HttpResponse<String> response = api().get(path);
		assertThat(response.statusCode()).as(path + " -> " + response.body()).isBetween(400, 499);
		assertNoInternals(response.body());
	}

	@Test
	void malformedBodiesGetNoInternalsBack() {
		for (String body : new String[] { "{", "[1,2]", "{\"name\":{\"nested\":true}}", "\u0000\u0001",
				"{\"name\":\"" + "x".repeat(5000) + "\"}" }) {
			HttpResponse<String> response = api().post("/api/v1/roles", body);
			assertThat(response.statusCode()).as(body).isBetween(400, 499);
			assertNoInternals(response.body());
		}
		HttpResponse<String> rule = api().put("/api/v1/policy", "roles: [unclosed", "application/yaml", null);
		assertThat(rule.statusCode()).isBetween(400, 499);
		assertNoInternals(rule.body());
	}

	@Test
	void anUnmappedPathAndAWrongMethodGetNoInternalsBack() throws Exception {
		HttpResponse<String> unmapped = send(HttpRequest.newBuilder(url("/api/v1/nothing-here"))
			.header("Authorization", "Bearer " + ADMIN_TOKEN)
			.build());
		assertThat(unmapped.statusCode()).isBetween(400, 499);
		assertNoInternals(unmapped.body());
		HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(url("/webhooks/jira")).GET().build());
		assertThat(wrongMethod.statusCode()).isBetween(400, 499);
		assertNoInternals(wrongMethod.body());
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/env", "/actuator/beans", "/actuator/heapdump", "/actuator/threaddump",
			"/actuator/configprops", "/actuator/mappings", "/actuator/loggers", "/actuator/metrics",
			"/actuator/conditions", "/actuator/scheduledtasks", "/actuator/info", "/actuator" })
	void onlyHealthAndPrometheusAreExposed(String path) throws Exception {
		HttpResponse<String> anonymous = send(HttpRequest.newBuilder(url(path)).build());
		assertThat(anonymous.statusCode()).as(path).isIn(401, 403, 404);
		// Not even an admin token opens them.
		HttpResponse<String> admin = send(
				HttpRequest.newBuilder(url(path)).header("Authorization", "Bearer " + ADMIN_TOKEN).build());
		assertThat(admin.statusCode()).as(path).isIn(401, 403, 404);
		assertThat(admin.body()).doesNotContain("tollgate.jira").doesNotContain("spring.datasource");
	}

	@Test
	void healthAndPrometheusStayPublic() throws Exception {
		assertThat(send(HttpRequest.newBuilder(url("/actuator/health")).build()).statusCode()).isEqualTo(200);
		assertThat(send(HttpRequest.newBuilder(url("/actuator/prometheus")).build()).statusCode()).isEqualTo(200);
	}

	private static void assertSecurityHeaders(HttpHeaders headers) {
		assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(headers.firstValue("X-Frame-Options")).hasValue("DENY");
		assertThat(headers.firstValue("Content-Security-Policy"))
			.hasValueSatisfying((csp) -> assertThat(csp).contains("frame-ancestors 'none'"));
		assertThat(headers.firstValue("Cache-Control"))
			.hasValueSatisfying((cache) -> assertThat(cache).contains("no-store"));
		assertThat(headers.firstValue("Referrer-Policy")).hasValue("no-referrer");
	}

	private static void assertNoInternals(String body) {
		assertThat(body).doesNotContain("Exception")
			.doesNotContain("java.")
			.doesNotContain("org.springframework")
			.doesNotContain("tools.jackson")
			.doesNotContain("dev.tollgate.")
			.doesNotContain("\tat ")
			.doesNotContain("trace")
			.doesNotContain("SQL");
	}

	private URI url(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static HttpResponse<String> send(HttpRequest request) throws Exception {
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
