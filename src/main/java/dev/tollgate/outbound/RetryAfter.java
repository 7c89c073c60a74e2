package dev.tollgate.outbound;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Parses an upstream's {@code Retry-After} (RFC 9110: delay-seconds or an HTTP-date). */
public final class RetryAfter {

	private RetryAfter() {
	}

	/** The instant to retry at; {@code null} if the header is absent or unreadable. */
	public static Instant parse(String value, Instant now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.strip();
		try {
			if (trimmed.chars().allMatch(Character::isDigit)) {
				return now.plusSeconds(Long.parseLong(trimmed));
			}
			return ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
		}
		catch (NumberFormatException | DateTimeException | ArithmeticException ex) {
			return null;
		}
	}

	/**
	 * A rate-limit reset given as Unix seconds (GitHub's {@code x-ratelimit-reset},
	 * GitLab's {@code RateLimit-Reset}); {@code null} if absent or not a plain number.
	 */
	public static Instant epochSeconds(String value) {
		if (value == null || value.isBlank() || !value.strip().chars().allMatch(Character::isDigit)) {
			return null;
		}
		try {
			return Instant.ofEpochSecond(Long.parseLong(value.strip()));
		}
		catch (NumberFormatException | DateTimeException ex) {
			return null;
		}
	}

}
