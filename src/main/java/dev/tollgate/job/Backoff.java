package dev.tollgate.job;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": the delay doubles per attempt up to the
 * maximum, and a random half of it is dropped, so retries of many jobs failed together (a
 * CI outage) spread out instead of hammering the upstream in waves. Never below the
 * initial delay.
 */
record Backoff(Duration initial, Duration max) {

	Duration delayAfter(int attempt, RandomGenerator random) {
		long initialMs = Math.max(1, this.initial.toMillis());
		long maxMs = Math.max(initialMs, this.max.toMillis());
		int doublings = Math.min(Math.max(attempt - 1, 0), 40);
		long exp = (doublings >= 62 || initialMs > (maxMs >> doublings)) ? maxMs
				: Math.min(maxMs, initialMs << doublings);
		long half = exp / 2;
		long jittered = half + ((half > 0) ? random.nextLong(half + 1) : 0) + (exp % 2);
		return Duration.ofMillis(Math.max(initialMs, Math.min(maxMs, jittered)));
	}

}
