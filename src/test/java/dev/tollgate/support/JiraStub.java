package dev.tollgate.support;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.springframework.test.context.DynamicPropertyRegistry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/** A WireMock Jira on loopback, and the properties that point Tollgate at it. */
public final class JiraStub {

	public static final String API_TOKEN = "jira-api-token-for-tests";

	private JiraStub() {
	}

	public static WireMockServer start() {
		WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
		server.start();
		return server;
	}

	/** Jira accepts every comment (201) and lists none yet. */
	public static void acceptComments(WireMockServer server) {
		server.stubFor(post(urlPathMatching("/rest/api/3/issue/.*/comment"))
			.willReturn(aResponse().withStatus(201).withBody("{\"id\":\"1\"}")));
		server.stubFor(get(urlPathMatching("/rest/api/3/issue/.*/comment")).willReturn(okJson("{\"comments\":[]}")));
	}

	/**
	 * Jira accepts every comment and knows nobody's groups or project roles. The test
	 * database is shared, so bindings by group or project role that other test classes
	 * leave behind make every evaluation ask Jira; this answers.
	 */
	public static void acceptCommentsAndKnowNobody(WireMockServer server) {
		acceptComments(server);
		server.stubFor(get(urlPathEqualTo("/rest/api/3/user/groups")).willReturn(okJson("[]")));
		server.stubFor(get(urlPathMatching("/rest/api/3/project/[^/]+/role")).willReturn(okJson("{}")));
	}

	/**
	 * {@code GET /rest/api/3/issue/{key}?fields=status} as Jira answers it, for an issue
	 * in {@code status}.
	 */
	public static String issueInStatus(String status) {
		return "{\"key\":\"X-1\",\"fields\":{\"status\":{\"id\":\"7\",\"name\":\"" + status + "\"}}}";
	}

	/** Jira reports the issue in {@code status}. */
	public static void issueIn(WireMockServer server, String issueKey, String status) {
		server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + issueKey)).willReturn(okJson(issueInStatus(status))));
	}

	public static void register(DynamicPropertyRegistry registry, WireMockServer server) {
		registry.add("tollgate.jira.base-url", () -> "http://127.0.0.1:" + server.port());
		registry.add("tollgate.jira.user-email", () -> "tollgate@example.com");
		registry.add("tollgate.jira.api-token", () -> API_TOKEN);
		registry.add("tollgate.jira.read-timeout", () -> "500ms");
		registry.add("tollgate.outbound.allow-http", () -> "true");
		registry.add("tollgate.outbound.allow-loopback", () -> "true");
	}

}
