package dev.tollgate.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waiting: every wait polls a condition against a deadline. */
final class Faults {

	private Faults() {
	}

	/**
	 * Scales counts for the soak profile ({@code -Psoak} sets
	 * {@code tollgate.faults.scale}).
	 */
	static final int SCALE = Math.max(1, Integer.getInteger("tollgate.faults.scale", 1));

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	/**
	 * Polls until the condition holds; fails with the description of the state otherwise.
	 */
	static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
		Instant deadline = Instant.now().plus(timeout);
		while (true) {
			if (condition.getAsBoolean()) {
				return;
			}
			if (Instant.now().isAfter(deadline)) {
				throw new AssertionError("Timed out after " + timeout + " waiting for " + what + ": " + state.get());
			}
			sleep(200);
		}
	}

	/**
	 * Polls until the condition holds or the deadline passes; returns whether it held.
	 */
	static boolean within(Duration timeout, BooleanSupplier condition) {
		Instant deadline = Instant.now().plus(timeout);
		while (!condition.getAsBoolean()) {
			if (Instant.now().isAfter(deadline)) {
				return false;
			}
			sleep(200);
		}
		return true;
	}

}
