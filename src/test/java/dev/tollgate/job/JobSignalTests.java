package dev.tollgate.job;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobSignalTests {

	@Test
	void byDefaultABurstOfWebhooksHoldsNothingBack() {
		JobSignal signal = new JobSignal(properties(0));
		signal.burst();
		assertThat(signal.burstRemainingNanos()).isNotPositive();
	}

	@Test
	void withABurstConcurrencyABurstHoldsTheWorkerBackBriefly() {
		JobSignal signal = new JobSignal(properties(2));
		assertThat(signal.burstRemainingNanos()).isNotPositive();
		signal.burst();
		assertThat(signal.burstRemainingNanos()).isPositive()
			.isLessThanOrEqualTo(Duration.ofMillis(JobSignal.BURST_HOLD_MILLIS).toNanos());
	}

	private static JobProperties properties(int burstConcurrency) {
		return new JobProperties(10, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(60), 16,
				Duration.ofMillis(500), Duration.ofDays(7), true, burstConcurrency);
	}

}
