package dev.tollgate.pipeline;

import dev.tollgate.pipeline.support.PipelineProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * One circuit breaker per target, in this replica. After N consecutive failed attempts
 * the circuit opens: that target's jobs are deferred (not failed, no attempt counted)
 * until the open period ends; then one probe is let through (half-open). A success closes
 * the circuit, a failure opens it again. This keeps an outage of one CI system from
 * burning every job's attempts.
 */
@Component
class CircuitBreakers {

	enum State {

		CLOSED, OPEN, HALF_OPEN

	}

	private final int threshold;

	private final Duration openFor;

	private final Clock clock;

	private final Map<String, Breaker> breakers = new ConcurrentHashMap<>();

	@Autowired
	CircuitBreakers(PipelineProperties properties) {
		this(properties.breakerFailures(), properties.breakerOpenFor(), Clock.systemUTC());
	}

	CircuitBreakers(int threshold, Duration openFor, Clock clock) {
		this.threshold = threshold;
		this.openFor = openFor;
		this.clock = clock;
	}

	/**
	 * Whether a call to the target may go ahead now; if not, the instant from which it
	 * may.
	 * @return {@code null} to go ahead, otherwise when to try again
	 */
	synchronized Instant deferUntil(String target) {
		Breaker breaker = this.breakers.get(target);
		if (breaker == null || breaker.state == State.CLOSED) {
			return null;
		}
		Instant now = this.clock.instant();
		if (breaker.state == State.OPEN && !now.isBefore(breaker.openUntil)) {
			breaker.state = State.HALF_OPEN;
			breaker.probing = true;
			return null;
		}
		if (breaker.state == State.HALF_OPEN && !breaker.probing) {
			breaker.probing = true;
			return null;
		}
		return (breaker.state == State.OPEN) ? breaker.openUntil : now.plus(this.openFor);
	}

	synchronized void succeeded(String target) {
		this.breakers.remove(target);
	}

	synchronized void failed(String target) {
		Breaker breaker = this.breakers.computeIfAbsent(target, (t) -> new Breaker());
		breaker.failures++;
		breaker.probing = false;
		if (breaker.state == State.HALF_OPEN || breaker.failures >= this.threshold) {
			breaker.state = State.OPEN;
			breaker.openUntil = this.clock.instant().plus(this.openFor);
		}
	}

	synchronized State state(String target) {
		Breaker breaker = this.breakers.get(target);
		return (breaker != null) ? breaker.state : State.CLOSED;
	}

	private static final class Breaker {

		State state = State.CLOSED;

		int failures;

		boolean probing;

		Instant openUntil = Instant.EPOCH;

	}

}
