package dev.tollgate.pipeline;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.tollgate.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakersTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));

	private final CircuitBreakers breakers = new CircuitBreakers(3, Duration.ofSeconds(30), this.clock);

	@Test
	void opensAfterConsecutiveFailuresOnly() {
		this.breakers.failed("t");
		this.breakers.failed("t");
		assertThat(this.breakers.deferUntil("t")).isNull();
		this.breakers.failed("t");
		assertThat(this.breakers.state("t")).isEqualTo(CircuitBreakers.State.OPEN);
		assertThat(this.breakers.deferUntil("t")).isEqualTo(this.clock.instant().plusSeconds(30));
		assertThat(this.breakers.deferUntil("other")).isNull();
	}

	@Test
	void aSuccessResetsTheCount() {
		this.breakers.failed("t");
		this.breakers.failed("t");
		this.breakers.succeeded("t");
		this.breakers.failed("t");
		assertThat(this.breakers.state("t")).isEqualTo(CircuitBreakers.State.CLOSED);
	}

	@Test
	void halfOpenLetsOneProbeThroughThenClosesOrReopens() {
		for (int i = 0; i < 3; i++) {
			this.breakers.failed("t");
		}
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(this.breakers.deferUntil("t")).as("the probe").isNull();
		assertThat(this.breakers.state("t")).isEqualTo(CircuitBreakers.State.HALF_OPEN);
		assertThat(this.breakers.deferUntil("t")).as("others wait for the probe").isNotNull();
		this.breakers.failed("t");
		assertThat(this.breakers.state("t")).isEqualTo(CircuitBreakers.State.OPEN);
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(this.breakers.deferUntil("t")).isNull();
		this.breakers.succeeded("t");
		assertThat(this.breakers.state("t")).isEqualTo(CircuitBreakers.State.CLOSED);
		assertThat(this.breakers.deferUntil("t")).isNull();
	}

}
