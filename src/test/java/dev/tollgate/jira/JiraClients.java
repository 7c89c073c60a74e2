package dev.tollgate.jira;

import java.net.URI;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.tollgate.outbound.OutboundPolicies;
import dev.tollgate.outbound.OutboundPolicy;

/**
 * Jira clients for tests in other packages, which cannot reach the package-private
 * constructor.
 */
public final class JiraClients {

	public static final String EMAIL = "tollgate-bot@acme.io";

	public static final String TOKEN = "ATATT3xFfGF0-not-a-real-token";

	private JiraClients() {
	}

	/** A client for a local stub: http and loopback allowed, short timeouts. */
	public static JiraClient forStub(String baseUrl) {
		return create(baseUrl, OutboundPolicies.forLocalStubs(), Duration.ofSeconds(2));
	}

	/** A client with no {@code tollgate.jira.base-url}. */
	public static JiraClient notConfigured() {
		return create(null, OutboundPolicies.forLocalStubs(), Duration.ofSeconds(2));
	}

	static JiraClient create(String baseUrl, OutboundPolicy policy, Duration readTimeout) {
		JiraProperties properties = new JiraProperties((baseUrl != null) ? URI.create(baseUrl) : null, EMAIL, TOKEN,
				Duration.ofSeconds(1), readTimeout);
		return new JiraClient(properties, policy, new ProjectRoleAccess(new SimpleMeterRegistry()));
	}

}
