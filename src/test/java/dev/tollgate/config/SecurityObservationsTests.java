package dev.tollgate.config;

import java.util.UUID;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Security observes nothing of its own (no observing decorator around each filter,
 * a few percent of a webhook's CPU); requests are still timed as
 * {@code http.server.requests}.
 */
class SecurityObservationsTests extends IntegrationTest {

	@Autowired
	private MeterRegistry registry;

	@Test
	void requestsAreTimedButNotObservedFilterByFilter() {
		assertThat(api().get("/api/v1/roles").statusCode()).isEqualTo(200);
		assertThat(api("not-a-token").get("/api/v1/roles").statusCode()).isEqualTo(401);
		String id = Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()));
		assertThat(webhooks().send(JiraPayloads.transition(id, id, "In Progress", "Done"), UUID.randomUUID().toString())
			.statusCode()).isEqualTo(202);

		assertThat(this.registry.getMeters()).extracting((meter) -> meter.getId().getName())
			.contains("http.server.requests")
			.noneMatch((name) -> name.startsWith("spring.security"));
	}

}
