package dev.tollgate.console;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The one OpenID Connect client, built from the provider's discovery document on first
 * use rather than at start-up: a provider that is down delays sign-in, never Tollgate's
 * start (webhooks do not need it). A failed discovery is not remembered, so the next
 * sign-in tries again.
 */
final class OidcRegistration implements ClientRegistrationRepository {

	static final String ID = "tollgate";

	private final ConsoleProperties.Oidc properties;

	private volatile ClientRegistration registration;

	OidcRegistration(ConsoleProperties.Oidc properties) {
		this.properties = properties;
	}

	@Override
	public ClientRegistration findByRegistrationId(String registrationId) {
		if (!ID.equals(registrationId)) {
			return null;
		}
		ClientRegistration found = this.registration;
		if (found == null) {
			synchronized (this) {
				found = this.registration;
				if (found == null) {
					found = discover();
					this.registration = found;
				}
			}
		}
		return found;
	}

	private ClientRegistration discover() {
		boolean confidential = this.properties.clientSecret() != null && !this.properties.clientSecret().isBlank();
		return ClientRegistrations.fromIssuerLocation(this.properties.issuerUri().strip())
			.registrationId(ID)
			.clientId(this.properties.clientId())
			.clientSecret(confidential ? this.properties.clientSecret() : null)
			.clientAuthenticationMethod(
					confidential ? ClientAuthenticationMethod.CLIENT_SECRET_BASIC : ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("{baseUrl}/console/login/oauth2/code/{registrationId}")
			.scope("openid", "profile", "email")
			.build();
	}

}
