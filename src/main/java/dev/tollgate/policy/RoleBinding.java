package dev.tollgate.policy;

/**
 * Grants a role to a Jira subject.
 *
 * @param subject a Jira account id, group name or project role name, by
 * {@code subjectType}
 * @param projectKey {@code null}: in every project; otherwise only for transitions in
 * that project
 */
public record RoleBinding(long id, String role, SubjectType subjectType, String subject, String projectKey) {

	public enum SubjectType {

		USER, GROUP, PROJECT_ROLE

	}

	/**
	 * Whether this binding counts in {@code transitionProjectKey} (a global one counts
	 * everywhere).
	 */
	public boolean appliesTo(String transitionProjectKey) {
		return this.projectKey == null || this.projectKey.equalsIgnoreCase(transitionProjectKey);
	}

}
