package dev.tollgate.console;

import java.io.Serial;
import java.util.Set;

import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Turns the provider's answer into a console user: scopes from the group claim through
 * the scope mapping, the Jira account id from its claim. Someone none of whose groups is
 * mapped comes out with no scope, which the sign-in's success handler refuses (an
 * exception thrown here would be masked by the application's other authentication
 * manager).
 */
final class ConsoleOidcUsers implements OAuth2UserService<OidcUserRequest, OidcUser> {

	private final OidcUserService delegate = new OidcUserService();

	private final ConsoleProperties.Oidc properties;

	private final ScopeMapping mapping;

	ConsoleOidcUsers(ConsoleProperties.Oidc properties) {
		this.properties = properties;
		this.mapping = ScopeMapping.parse(properties.scopeMapping());
	}

	@Override
	public OidcUser loadUser(OidcUserRequest request) throws OAuth2AuthenticationException {
		OidcUser user = this.delegate.loadUser(request);
		Set<String> scopes = this.mapping.scopesFor(user.getClaims().get(this.properties.scopeClaim()));
		Object account = user.getClaims().get(this.properties.accountIdClaim());
		String accountId = (account instanceof String value && !value.isBlank() && value.length() <= 128)
				? value.strip() : null;
		String name = (user.getPreferredUsername() != null) ? user.getPreferredUsername() : user.getSubject();
		ConsoleUser console = new ConsoleUser(name, scopes, accountId, null, ConsoleUser.Via.OIDC);
		return new SignedIn(user, console);
	}

	/** The provider's user, with the console user it maps to. */
	static final class SignedIn extends DefaultOidcUser {

		@Serial
		private static final long serialVersionUID = 1L;

		private final ConsoleUser console;

		SignedIn(OidcUser user, ConsoleUser console) {
			super(console.authorities(), user.getIdToken(), user.getUserInfo());
			this.console = console;
		}

		ConsoleUser console() {
			return this.console;
		}

		@Override
		public String getName() {
			return this.console.name();
		}

	}

}
