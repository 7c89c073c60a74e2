package dev.tollgate.job;

import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTests {

	private final Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5));

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 5, 8, 12, 40, 1000 })
	void staysBetweenInitialAndMax(int attempt) {
		SplittableRandom random = new SplittableRandom(attempt);
		for (int i = 0; i < 1000; i++) {
			Duration delay = this.backoff.delayAfter(attempt, random);
			assertThat(delay).isBetween(Duration.ofSeconds(2), Duration.ofMinutes(5));
		}
	}

	@Test
	void growsExponentially() {
		// With equal jitter the delay after attempt n lies in [2^(n-1) * initial / 2,
		// 2^(n-1) * initial].
		SplittableRandom random = new SplittableRandom(42);
		for (int attempt = 2; attempt <= 7; attempt++) {
			long ceiling = 2000L << (attempt - 1);
			for (int i = 0; i < 200; i++) {
				long ms = this.backoff.delayAfter(attempt, random).toMillis();
				assertThat(ms).isBetween(ceiling / 2, ceiling);
			}
		}
	}

	@Test
	void isCappedAtTheMaximum() {
		SplittableRandom random = new SplittableRandom(7);
		long max = 0;
		for (int i = 0; i < 200; i++) {
			max = Math.max(max, this.backoff.delayAfter(30, random).toMillis());
		}
		assertThat(max).isLessThanOrEqualTo(Duration.ofMinutes(5).toMillis())
			.isGreaterThan(Duration.ofMinutes(2).toMillis());
	}

	@Test
	void isJittered() {
		SplittableRandom random = new SplittableRandom(3);
		long distinct = java.util.stream.IntStream.range(0, 50)
			.mapToLong((i) -> this.backoff.delayAfter(6, random).toMillis())
			.distinct()
			.count();
		assertThat(distinct).isGreaterThan(10);
	}

}
