package dev.tollgate.webhook;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.tollgate.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class RejectedSignatureLimiterTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-03-20T10:00:00Z"));

	private final RejectedSignatureLimiter limiter = new RejectedSignatureLimiter(3, this.clock);

	private static final InetAddress ATTACKER = Cidr.literal("203.0.113.66");

	private static final InetAddress JIRA = Cidr.literal("104.192.137.1");

	@Test
	void aSourceIsLimitedOnceItReachesTheLimitWithinAMinute() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.limiter.retryAfterSeconds(ATTACKER)).isZero();
			this.limiter.rejected(ATTACKER);
			this.clock.advance(Duration.ofSeconds(5));
		}
		// The window opened at the first rejection, 15 s ago: 45 s remain.
		assertThat(this.limiter.retryAfterSeconds(ATTACKER)).isEqualTo(45);
	}

	@Test
	void otherSourcesAreNotAffected() {
		reject(ATTACKER, 10);
		assertThat(this.limiter.retryAfterSeconds(ATTACKER)).isPositive();
		assertThat(this.limiter.retryAfterSeconds(JIRA)).isZero();
	}

	@Test
	void theLimitLiftsWhenTheMinuteIsOver() {
		reject(ATTACKER, 3);
		this.clock.advance(Duration.ofSeconds(59));
		assertThat(this.limiter.retryAfterSeconds(ATTACKER)).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.limiter.retryAfterSeconds(ATTACKER)).isZero();
		// A new minute counts afresh.
		reject(ATTACKER, 2);
		assertThat(this.limiter.retryAfterSeconds(ATTACKER)).isZero();
	}

	@Test
	void rejectionsSpreadOverMinutesNeverAddUp() {
		for (int i = 0; i < 10; i++) {
			reject(ATTACKER, 2);
			this.clock.advance(Duration.ofSeconds(61));
		}
		assertThat(this.limiter.retryAfterSeconds(ATTACKER)).isZero();
	}

	@Test
	void oneIpv6Slash64IsOneSource() {
		reject(Cidr.literal("2001:db8:1:2::1"), 2);
		this.limiter.rejected(Cidr.literal("2001:db8:1:2:ffff::9"));
		assertThat(this.limiter.retryAfterSeconds(Cidr.literal("2001:db8:1:2::abcd"))).isPositive();
		assertThat(this.limiter.retryAfterSeconds(Cidr.literal("2001:db8:1:3::1"))).isZero();
		assertThat(RejectedSignatureLimiter.key(Cidr.literal("2001:db8:1:2::1"))).isEqualTo("2001:db8:1:2::/64");
	}

	@Test
	void zeroTurnsTheLimitOff() {
		RejectedSignatureLimiter off = new RejectedSignatureLimiter(0, this.clock);
		for (int i = 0; i < 100; i++) {
			off.rejected(ATTACKER);
		}
		assertThat(off.retryAfterSeconds(ATTACKER)).isZero();
	}

	@Test
	void memoryStaysBoundedUnderManySources() {
		for (int i = 0; i < RejectedSignatureLimiter.MAX_SOURCES * 3; i++) {
			this.limiter
				.rejected(Cidr.literal("10." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff)));
		}
		assertThat(this.limiter.trackedSources()).isLessThanOrEqualTo(RejectedSignatureLimiter.MAX_SOURCES);
	}

	private void reject(InetAddress source, int times) {
		for (int i = 0; i < times; i++) {
			this.limiter.rejected(source);
		}
	}

}
