package dev.tollgate.policy;

/**
 * One line of a policy diff: what {@code PUT /policy} did, or would do with
 * {@code dryRun}.
 */
public record PolicyChange(String resource, String name, Action action) {

	public enum Action {

		CREATE, UPDATE, DELETE

	}

}
