package dev.tollgate.console;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every console page shows: who is signed in and what they may do (the header and
 * the navigation hide what a scope does not allow; the security rules refuse it anyway).
 */
@ControllerAdvice(assignableTypes = { ApprovalsPage.class, AuditPage.class, JobsPage.class, PolicyPage.class,
		ConsoleErrors.class })
class ConsolePage {

	@ModelAttribute("user")
	ConsoleUser user(Authentication authentication) {
		return ConsoleUser.of(authentication);
	}

	/** Thrown for input a person can fix; shown as the sentence it carries, with 400. */
	static final class BadInput extends RuntimeException {

		BadInput(String sentence) {
			super(sentence);
		}

	}

	/**
	 * A time from a filter: ISO with an offset, or a local date-time (as a browser's
	 * {@code datetime-local} sends it) in the viewer's time zone.
	 */
	static Instant time(String field, String value, String zone) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value.strip()).toInstant();
		}
		catch (DateTimeParseException ex) {
			// not with an offset: local to the viewer
		}
		try {
			return LocalDateTime.parse(value.strip()).atZone(zoneOf(zone)).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new BadInput("'" + field + "' is not a date and time (for example 2026-12-07T09:30).");
		}
	}

	static ZoneId zoneOf(String zone) {
		try {
			return (zone != null && !zone.isBlank() && zone.length() <= 64) ? ZoneId.of(zone.strip())
					: ZoneId.of("UTC");
		}
		catch (RuntimeException ex) {
			return ZoneId.of("UTC");
		}
	}

	static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

}
