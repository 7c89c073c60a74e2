package dev.tollgate.policy;

import java.util.List;

/** What went wrong with a policy change; mapped to problem+json by the admin API. */
public final class PolicyProblems {

	private PolicyProblems() {
	}

	/** A field that is wrong, by its JSON path ({@code rules[2].target}). */
	public record FieldProblem(String field, String message) {
	}

	/** The named object does not exist (404). */
	public static final class NotFound extends RuntimeException {

		public NotFound(String message) {
			super(message, null, false, false);
		}

	}

	/** A name is taken, or the object is still in use (409). */
	public static final class Conflict extends RuntimeException {

		public Conflict(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * The change is well-formed but refers to what does not exist or does not fit (422).
	 */
	public static final class Rejected extends RuntimeException {

		private final List<FieldProblem> problems;

		public Rejected(List<FieldProblem> problems) {
			super("The policy change was rejected: " + problems, null, false, false);
			this.problems = List.copyOf(problems);
		}

		public List<FieldProblem> problems() {
			return this.problems;
		}

	}

	/** {@code If-Match} named an older version (412). */
	public static final class VersionMismatch extends RuntimeException {

		public VersionMismatch(String message) {
			super(message, null, false, false);
		}

	}

}
