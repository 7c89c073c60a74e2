package dev.tollgate.policy;

/**
 * An issue's status change as the policy sees it.
 *
 * @param fromStatus {@code null} for a newly created issue
 * @param actorAccountId {@code null} when Jira did not say who acted
 */
public record Transition(String projectKey, String issueType, String fromStatus, String toStatus,
		String actorAccountId) {

	/** "SHOP: In Progress → Ready for Production", for reasons and comments. */
	public String describe() {
		return this.projectKey + ": " + ((this.fromStatus != null) ? this.fromStatus : "(created)") + " → "
				+ this.toStatus;
	}

}
