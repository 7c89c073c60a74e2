package dev.tollgate.webhook;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On Kubernetes Spring Boot turns Tomcat's RemoteIpValve on by default, which believes
 * X-Forwarded-For from any private or loopback peer. With no trusted proxy configured, a
 * client must not get past the source allow-list by writing an allowed address into that
 * header.
 */
@TestPropertySource(
		properties = { "spring.main.cloud-platform=kubernetes", "tollgate.webhook.allowed-cidrs=203.0.113.0/24" })
class ForwardedHeadersInCloudTests extends IntegrationTest {

	@Test
	void aForwardedAddressFromAnUntrustedPeerIsIgnoredOnKubernetes() {
		assertThat(webhooks().forwardedFor("203.0.113.10")
			.send(JiraPayloads.fieldEdit("77001", UUID.randomUUID().toString()), UUID.randomUUID().toString())
			.statusCode()).isEqualTo(403);
	}

}
