package dev.tollgate.console;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The console's sign-in. With {@code oidc.issuer-uri} set, people sign in with OpenID
 * Connect; otherwise (and always in dev mode) by pasting an API token.
 *
 * @param oidc the OpenID Connect provider, if any
 */
@ConfigurationProperties("tollgate.console")
record ConsoleProperties(@DefaultValue Oidc oidc) {

	/**
	 * @param issuerUri the provider's issuer; its discovery document is read on the first
	 * sign-in, so a provider that is down does not stop Tollgate from starting
	 * @param clientId the client registered at the provider for Tollgate
	 * @param clientSecret that client's secret (empty for a public client; PKCE is used
	 * either way)
	 * @param scopeClaim the ID token or user-info claim that lists the person's groups
	 * @param scopeMapping which group grants which scope, {@code scope=group} pairs
	 * separated by commas, e.g.
	 * {@code admin=platform-admins,auditor=auditors,approver=release-approvers}; a scope
	 * may be named more than once. A person none of whose groups is mapped is refused.
	 * @param accountIdClaim the claim that holds an approver's Jira account id
	 */
	record Oidc(String issuerUri, String clientId, String clientSecret, @DefaultValue("groups") String scopeClaim,
			String scopeMapping, @DefaultValue("jira_account_id") String accountIdClaim) {

		boolean enabled() {
			return this.issuerUri != null && !this.issuerUri.isBlank();
		}

	}

}
