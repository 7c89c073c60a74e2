package dev.tollgate.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Votes per token per minute, in fixed one-minute windows on this replica. Each vote is a
 * queued job and may become a Jira call, so a token that loops must not be able to fill
 * the queue; a person voting needs a handful a minute at most.
 */
@Component
class VoteRateLimiter {

	private static final Duration WINDOW = Duration.ofMinutes(1);

	/** Tokens tracked at most; past it, windows that ended are dropped. */
	private static final int MAX_TRACKED = 10_000;

	private final int limit;

	private final Clock clock;

	private final Map<String, Window> windows = new ConcurrentHashMap<>();

	@Autowired
	VoteRateLimiter(VoteProperties properties) {
		this(properties.perTokenPerMinute(), Clock.systemUTC());
	}

	VoteRateLimiter(int limit, Clock clock) {
		this.limit = limit;
		this.clock = clock;
	}

	/**
	 * Counts one vote by {@code token}.
	 * @return {@code null} when allowed, else how long until the token may vote again
	 */
	Duration acquire(String token) {
		Instant now = this.clock.instant();
		if (this.windows.size() > MAX_TRACKED) {
			this.windows.values().removeIf((window) -> !window.start().plus(WINDOW).isAfter(now));
		}
		Window window = this.windows.compute(token,
				(key, current) -> (current == null || !current.start().plus(WINDOW).isAfter(now)) ? new Window(now, 1)
						: new Window(current.start(), current.count() + 1));
		if (window.count() <= this.limit) {
			return null;
		}
		return Duration.between(now, window.start().plus(WINDOW));
	}

	private record Window(Instant start, int count) {
	}

}
