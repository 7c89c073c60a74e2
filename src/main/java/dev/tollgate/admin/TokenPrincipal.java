package dev.tollgate.admin;

import java.util.Set;

/**
 * Who is calling the admin API: an API token (or the bootstrap token).
 *
 * @param id {@code null} for the bootstrap token
 * @param accountId the Jira account id an approver token votes as
 */
public record TokenPrincipal(Long id, String name, Set<Scope> scopes, String accountId) {

	/**
	 * How audit events name the caller: the bootstrap token as {@code bootstrap}, an API
	 * token by its name and id ({@code ci-admin (token 12)}), so that two tokens, or a
	 * token and the bootstrap token, can never be told apart only by a name.
	 */
	public String auditName() {
		return (this.id == null) ? this.name : this.name + " (token " + this.id + ")";
	}

	public enum Scope {

		ADMIN, AUDITOR, APPROVER;

		public String authority() {
			return "SCOPE_" + name().toLowerCase(java.util.Locale.ROOT);
		}

		static Scope parse(String value) {
			return Scope.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
		}

	}

}
