package dev.tollgate.admin;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import dev.tollgate.problem.ProblemType;
import dev.tollgate.problem.Problems;
import dev.tollgate.problem.Problems.FieldError;
import org.springframework.http.ProblemDetail;

/**
 * Turns a body Jackson could not read into a problem that says what to fix: the field by
 * its path, the nearest known field for a misspelt one, the accepted values of an enum,
 * and the line and column of a syntax error. Only our own sentences and the caller's own
 * field names reach the answer, never Jackson's message (it names Java classes).
 */
final class BodyProblems {

	private BodyProblems() {
	}

	static ProblemDetail of(Throwable failure, String format) {
		JacksonException jackson = find(failure);
		if (jackson instanceof UnrecognizedPropertyException unknown) {
			String field = path(unknown);
			String nearest = nearest(unknown.getPropertyName(), unknown.getKnownPropertyIds());
			String message = "is not a known field"
					+ ((nearest != null) ? "; did you mean " + qualified(unknown, nearest) + "?" : "")
					+ known(unknown.getKnownPropertyIds());
			return invalid("The request has an unknown field: " + field + ".", field, message);
		}
		if (jackson instanceof InvalidFormatException invalid && invalid.getValue() == null
				&& String.valueOf(invalid.getOriginalMessage()).contains("NUL")) {
			String field = path(invalid);
			return invalid("The request has invalid fields.", field, "must not contain a NUL character");
		}
		if (jackson instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
				&& !mismatch.getPath().isEmpty()) {
			String field = path(mismatch);
			Class<?> type = mismatch.getTargetType();
			String message = (type.isEnum()) ? "must be one of " + enumValues(type) : "must be " + describe(type);
			return invalid("The request has invalid fields.", field, message);
		}
		if (jackson instanceof StreamReadException syntax) {
			TokenStreamLocation at = syntax.getLocation();
			String where = (at != null && at.getLineNr() > 0)
					? " at line " + at.getLineNr() + ((at.getColumnNr() > 0) ? ", column " + at.getColumnNr() : "")
					: "";
			return Problems.of(ProblemType.UNREADABLE_REQUEST, "The request body is not valid " + format + where + ".");
		}
		if (jackson != null && !jackson.getPath().isEmpty()) {
			return invalid("The request has invalid fields.", path(jackson), "has the wrong shape");
		}
		return Problems.of(ProblemType.UNREADABLE_REQUEST,
				"The request body is not " + format + " of the expected shape.");
	}

	/** The enum's accepted values, as a client writes them. */
	static String enumValues(Class<?> type) {
		return Arrays.stream(type.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
	}

	private static ProblemDetail invalid(String detail, String field, String message) {
		return Problems.of(ProblemType.INVALID_REQUEST, detail, List.of(new FieldError(field, message)));
	}

	private static JacksonException find(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof JacksonException jackson) {
				return jackson;
			}
		}
		return null;
	}

	/** {@code rules[2].approval.required}: the field as the caller wrote it. */
	static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.isEmpty() ? "(body)" : path.toString();
	}

	private static String qualified(UnrecognizedPropertyException unknown, String nearest) {
		String path = path(unknown);
		int dot = path.lastIndexOf('.');
		return (dot < 0) ? nearest : path.substring(0, dot + 1) + nearest;
	}

	private static String known(Collection<Object> known) {
		if (known == null || known.isEmpty()) {
			return "";
		}
		return "; known fields: " + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
	}

	/** The known field closest by edit distance, if it is close enough to be a typo. */
	static String nearest(String given, Collection<Object> known) {
		if (given == null || known == null) {
			return null;
		}
		String lower = given.toLowerCase(Locale.ROOT);
		return known.stream()
			.map(String::valueOf)
			.min(Comparator.comparingInt((String candidate) -> distance(lower, candidate.toLowerCase(Locale.ROOT))))
			.filter((candidate) -> distance(lower, candidate.toLowerCase(Locale.ROOT)) <= Math.max(2,
					candidate.length() / 3) || candidate.toLowerCase(Locale.ROOT).startsWith(lower))
			.orElse(null);
	}

	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int cost = (a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1;
				current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	private static String describe(Class<?> type) {
		if (type == java.time.Instant.class) {
			return "an ISO-8601 instant such as 2026-01-31T09:30:00Z";
		}
		if (type == java.time.Duration.class) {
			return "an ISO-8601 duration such as PT24H";
		}
		if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
			return "a number";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		if (Collection.class.isAssignableFrom(type) || type.isArray()) {
			return "a list";
		}
		if (type == String.class) {
			return "a string";
		}
		return "an object";
	}

}
