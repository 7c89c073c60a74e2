package dev.tollgate.policy;

import java.util.List;

import dev.tollgate.policy.PolicyProblems.FieldProblem;

/**
 * What a target of one kind must carry, checked when the target is saved. The module that
 * triggers that kind of CI system supplies it as a bean, so the policy store knows no CI
 * system's fields and does not depend on the module that does.
 */
public interface TargetKindRules {

	Target.Kind kind();

	/**
	 * The target field whose values are templates ({@code inputs}, {@code variables},
	 * {@code parameters}); {@code null} if this kind has none.
	 */
	String valuesField();

	/** Adds a problem for each of this kind's own fields that is wrong. */
	void check(Target target, Problems problems);

	/**
	 * Why a gate cannot be answered through this target ({@code null} when it can): only
	 * CI systems that ask before a deployment, with a credential that may answer.
	 */
	default String cannotGate(Target target) {
		return "a " + target.kind() + " target cannot gate: its CI system does not ask before a deployment";
	}

	/** The problems found, with each field named by its path in the document. */
	final class Problems {

		private final String prefix;

		private final List<FieldProblem> found;

		Problems(String prefix, List<FieldProblem> found) {
			this.prefix = prefix;
			this.found = found;
		}

		/**
		 * @param field relative to the target ({@code repository})
		 */
		public void add(String field, String message) {
			this.found.add(new FieldProblem(this.prefix + field, message));
		}

		public void require(String value, String field) {
			if (value == null || value.isBlank()) {
				add(field, "is required for this kind of target");
			}
		}

		/** A value that, when given, must be one of {@code values}. */
		public void allowed(String value, String field, String... values) {
			if (value != null && !List.of(values).contains(value)) {
				add(field, "must be one of " + List.of(values));
			}
		}

	}

}
