package dev.tollgate.webhook;

import dev.tollgate.support.IntegrationTest;
import org.springframework.test.context.TestPropertySource;

/**
 * The application for the hostile-input tests that go through the endpoint. They send
 * hundreds of deliberately unsigned requests, which would use up the per-minute cap on
 * audited rejections (60) of the context shared with the other end-to-end tests, whose
 * audit checks then fail. A property of their own gives them their own context, and so
 * their own cap. The per-source limit on bad signatures is off here, so that every
 * request reaches the verifier (it is tested in {@code WebhookSourceEndToEndTests}).
 */
@TestPropertySource(properties = { "tollgate.webhook.rejected-audit-per-minute=100000",
		"tollgate.webhook.rejected-signature-limit-per-minute=0" })
abstract class HostileEndpointTest extends IntegrationTest {

}
