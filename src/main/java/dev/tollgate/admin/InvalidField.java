package dev.tollgate.admin;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * One field or parameter of an admin request that is wrong: a 400 that names it. The
 * message is our own sentence about the field.
 */
final class InvalidField extends RuntimeException {

	/** Storable and meaningful: PostgreSQL's timestamps end in year 294276, ours here. */
	private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

	private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

	private final String field;

	InvalidField(String field, String message) {
		super(message, null, false, false);
		this.field = field;
	}

	String field() {
		return this.field;
	}

	/**
	 * {@code instant} unchanged, or a 400 naming {@code field} when outside 1970..9999.
	 */
	static Instant instant(String field, Instant instant) {
		if (instant != null && (instant.isBefore(EARLIEST) || instant.isAfter(LATEST))) {
			throw new InvalidField(field, "must lie between " + EARLIEST.atOffset(ZoneOffset.UTC).getYear() + " and "
					+ LATEST.atOffset(ZoneOffset.UTC).getYear() + ", such as 2026-01-31T09:30:00Z");
		}
		return instant;
	}

}
