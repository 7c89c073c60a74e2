package dev.tollgate.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakersTests {

	private Instant now = Instant.parse("2026-11-26T10:00:00Z");

	private final CircuitBreakers breakers = new CircuitBreakers(3, Duration.ofSeconds(30), new Clock() {
		@Override
		public Instant instant() {
			return CircuitBreakersTests.this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}
	});

	@Test
	void opensAfterConsecutiveFailuresOnly() {
		this.breakers.failed("t");
		this.breakers.failed("t");
		assertThat(this.breakers.deferUntil("t")).isNull();
		this.breakers.failed("t");
		assertThat(this.breakers.state("t")).isEqualTo(CircuitBreakers.State.OPEN);
		assertThat(this.breakers.deferUntil("t")).isEqualTo(this.now.plusSeconds(30));
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
		this.now = this.now.plusSeconds(31);
		assertThat(this.breakers.deferUntil("t")).as("the probe").isNull();
		assertThat(this.breakers.state("t")).isEqualTo(CircuitBreakers.State.HALF_OPEN);
		assertThat(this.breakers.deferUntil("t")).as("others wait for the probe").isNotNull();
		this.breakers.failed("t");
		assertThat(this.breakers.state("t")).isEqualTo(CircuitBreakers.State.OPEN);
		this.now = this.now.plusSeconds(31);
		assertThat(this.breakers.deferUntil("t")).isNull();
		this.breakers.succeeded("t");
		assertThat(this.breakers.state("t")).isEqualTo(CircuitBreakers.State.CLOSED);
		assertThat(this.breakers.deferUntil("t")).isNull();
	}

}
