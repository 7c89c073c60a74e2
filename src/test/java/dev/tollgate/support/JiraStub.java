package dev.tollgate.support;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.springframework.test.context.DynamicPropertyRegistry;

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

	public static void register(DynamicPropertyRegistry registry, WireMockServer server) {
		registry.add("tollgate.jira.base-url", () -> "http://127.0.0.1:" + server.port());
		registry.add("tollgate.jira.user-email", () -> "tollgate@example.com");
		registry.add("tollgate.jira.api-token", () -> API_TOKEN);
		registry.add("tollgate.jira.read-timeout", () -> "500ms");
		registry.add("tollgate.outbound.allow-http", () -> "true");
		registry.add("tollgate.outbound.allow-loopback", () -> "true");
	}

}
