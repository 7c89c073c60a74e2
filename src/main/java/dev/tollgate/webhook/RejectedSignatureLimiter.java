package dev.tollgate.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * After {@code tollgate.webhook.rejected-signature-limit-per-minute} bad signatures from
 * one source within a minute, that source's further bad signatures are answered 429
 * instead of 401 until the minute is over, without an audit row or a log line, so that
 * guessing signatures cannot flood the audit log. Its correctly signed deliveries are
 * still accepted: Jira Cloud sites share egress addresses, and another site's bad webhook
 * must not block this one's. Sources that sign correctly never count. Per replica and in
 * memory, bounded to {@link #MAX_SOURCES} sources (least recently used go first), like
 * {@link RejectedSignatureAudit}'s cap on audit rows.
 */
@Component
class RejectedSignatureLimiter {

	private static final Logger log = LoggerFactory.getLogger(RejectedSignatureLimiter.class);

	static final int MAX_SOURCES = 10_000;

	private static final long WINDOW_MILLIS = Duration.ofMinutes(1).toMillis();

	private final int perMinute;

	private final Clock clock;

	private final Cache<String, Window> windows;

	@Autowired
	RejectedSignatureLimiter(WebhookProperties properties) {
		this(properties.rejectedSignatureLimitPerMinute(), Clock.systemUTC());
	}

	RejectedSignatureLimiter(int perMinute, Clock clock) {
		this.perMinute = perMinute;
		this.clock = clock;
		this.windows = Caffeine.newBuilder()
			.maximumSize(MAX_SOURCES)
			.expireAfterWrite(Duration.ofMillis(WINDOW_MILLIS))
			.ticker(() -> clock.millis() * 1_000_000L)
			.build();
	}

	/** Seconds until the source may deliver again; 0 if it may now. */
	long retryAfterSeconds(InetAddress source) {
		if (this.perMinute == 0) {
			return 0;
		}
		Window window = this.windows.getIfPresent(key(source));
		long now = this.clock.millis();
		if (window == null || window.count < this.perMinute || now >= window.start + WINDOW_MILLIS) {
			return 0;
		}
		return Math.max(1, (window.start + WINDOW_MILLIS - now + 999) / 1000);
	}

	/** Counts one bad signature from the source. */
	void rejected(InetAddress source) {
		if (this.perMinute == 0) {
			return;
		}
		String key = key(source);
		long now = this.clock.millis();
		Window window = this.windows.asMap()
			.compute(key, (k, current) -> (current == null || now >= current.start + WINDOW_MILLIS) ? new Window(now, 1)
					: new Window(current.start, current.count + 1));
		if (window.count == this.perMinute) {
			log.warn("Source {} sent {} deliveries with bad signatures within a minute; "
					+ "its deliveries get 429 until the minute is over", key, this.perMinute);
		}
	}

	/** For tests: how many sources are tracked right now. */
	long trackedSources() {
		this.windows.cleanUp();
		return this.windows.estimatedSize();
	}

	/**
	 * One IPv4 address, or one IPv6 /64: a single IPv6 host usually owns a whole /64 and
	 * could otherwise start afresh with every address in it.
	 */
	static String key(InetAddress source) {
		if (source == null) {
			return "unknown";
		}
		if (source instanceof Inet6Address) {
			byte[] b = source.getAddress();
			return String.format("%x:%x:%x:%x::/64", ((b[0] & 0xff) << 8) | (b[1] & 0xff),
					((b[2] & 0xff) << 8) | (b[3] & 0xff), ((b[4] & 0xff) << 8) | (b[5] & 0xff),
					((b[6] & 0xff) << 8) | (b[7] & 0xff));
		}
		return source.getHostAddress();
	}

	private record Window(long start, int count) {
	}

}
