package dev.tollgate.console;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import dev.tollgate.admin.ApiTokens;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The console's own filter chain, ahead of the API's: everything under {@code /console}
 * and nothing else. Sessions (Spring Session, in PostgreSQL) with a cookie limited to
 * {@code /console}; CSRF tokens on every form; a script and style policy of
 * {@code 'self'} only (no inline code anywhere in the pages); no framing. Scopes as in
 * the API: {@code admin} everything, {@code auditor} reads, {@code approver} votes.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
class ConsoleSecurityConfiguration {

	private static final org.apache.commons.logging.Log log = org.apache.commons.logging.LogFactory
		.getLog(ConsoleSecurityConfiguration.class);

	static final String SIGN_IN = "/console/sign-in";

	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
			+ "base-uri 'none'; object-src 'none'";

	private static final String ADMIN = ConsoleUser.authority(ConsoleUser.ADMIN);

	private static final String AUDITOR = ConsoleUser.authority(ConsoleUser.AUDITOR);

	private static final String APPROVER = ConsoleUser.authority(ConsoleUser.APPROVER);

	/** Which sign-ins are offered: OpenID Connect when configured, tokens otherwise. */
	public record SignInOptions(boolean oidc, boolean token) {
	}

	@Bean
	SignInOptions consoleSignInOptions(ConsoleProperties properties, Environment environment) {
		boolean oidc = properties.oidc().enabled();
		return new SignInOptions(oidc, !oidc || environment.acceptsProfiles(Profiles.of("dev")));
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 10)
	SecurityFilterChain consoleFilterChain(HttpSecurity http, ConsoleProperties properties, SignInOptions options,
			ApiTokens tokens) throws Exception {
		http.securityMatcher("/console", "/console/**")
			.addFilterAfter(new RevokedTokenFilter(tokens), SecurityContextHolderFilter.class)
			.httpBasic((basic) -> basic.disable())
			.formLogin((form) -> form.disable())
			.requestCache((cache) -> cache.disable())
			.headers((headers) -> headers.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
				.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.frameOptions((frame) -> frame.deny()))
			.logout((logout) -> logout.logoutUrl("/console/sign-out")
				.logoutSuccessUrl(SIGN_IN + "?signedOut")
				.invalidateHttpSession(true)
				.clearAuthentication(true))
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers(SIGN_IN, "/console/assets/**", "/console/webjars/**", "/console/error",
						"/console/oauth2/authorization/**", "/console/login/oauth2/code/**")
				.permitAll()
				.requestMatchers(HttpMethod.POST, "/console/approvals/*/vote")
				.hasAuthority(APPROVER)
				.requestMatchers(HttpMethod.POST, "/console/jobs/*/retry")
				.hasAuthority(ADMIN)
				.requestMatchers("/console/audit", "/console/audit/**", "/console/jobs", "/console/jobs/**",
						"/console/policy", "/console/policy/**", "/console/gates", "/console/gates/**")
				.hasAnyAuthority(ADMIN, AUDITOR)
				.requestMatchers("/console", "/console/", "/console/approvals", "/console/approvals/**")
				.hasAnyAuthority(ADMIN, AUDITOR, APPROVER)
				.requestMatchers(HttpMethod.POST, "/console/sign-out")
				.authenticated()
				.anyRequest()
				.denyAll())
			.exceptionHandling(
					(exceptions) -> exceptions.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(SIGN_IN))
						.accessDeniedHandler(ConsoleSecurityConfiguration::denied));
		if (options.oidc()) {
			OidcRegistration registrations = new OidcRegistration(properties.oidc());
			DefaultOAuth2AuthorizationRequestResolver resolver = new DefaultOAuth2AuthorizationRequestResolver(
					registrations, "/console/oauth2/authorization");
			// PKCE for confidential clients too (public ones get it anyway): a stolen
			// code
			// is useless without the verifier held in this session.
			resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
			http.oauth2Login((login) -> login.clientRegistrationRepository(registrations)
				.loginPage(SIGN_IN)
				.authorizationEndpoint((endpoint) -> endpoint.authorizationRequestResolver(resolver))
				.redirectionEndpoint((endpoint) -> endpoint.baseUri("/console/login/oauth2/code/*"))
				.userInfoEndpoint((userInfo) -> userInfo.oidcUserService(new ConsoleOidcUsers(properties.oidc())))
				.successHandler(ConsoleSecurityConfiguration::signedIn)
				.failureHandler((request, response, ex) -> {
					log.info("Console sign-in with the identity provider failed: " + ex.getMessage());
					response.sendRedirect(request.getContextPath() + SIGN_IN + "?error=oidc");
				}));
		}
		return http.build();
	}

	/**
	 * A provider's user none of whose groups maps to a scope is signed out again at once
	 * and told why; everyone else lands on the approvals.
	 */
	private static void signedIn(HttpServletRequest request, HttpServletResponse response,
			Authentication authentication) throws IOException {
		ConsoleUser user = ConsoleUser.of(authentication);
		if (user == null || user.scopes().isEmpty()) {
			SecurityContextHolder.clearContext();
			HttpSession session = request.getSession(false);
			if (session != null) {
				session.invalidate();
			}
			response.sendRedirect(request.getContextPath() + SIGN_IN + "?error=unmapped");
			return;
		}
		response.sendRedirect(request.getContextPath() + "/console/approvals");
	}

	/**
	 * Someone not signed in is sent to sign in (also for a form posted without a session,
	 * whose CSRF token cannot match); a signed-in person gets the refusal page with 403.
	 */
	private static void denied(HttpServletRequest request, HttpServletResponse response, AccessDeniedException ex)
			throws IOException, ServletException {
		if (ConsoleUser.of(SecurityContextHolder.getContext().getAuthentication()) == null) {
			response.sendRedirect(request.getContextPath() + SIGN_IN);
			return;
		}
		AccessDeniedHandlerImpl page = new AccessDeniedHandlerImpl();
		page.setErrorPage("/console/error?denied");
		page.handle(request, response, ex);
	}

	/**
	 * Ends a token sign-in's session once its token is deleted or expired: a session
	 * never outlives the credential it was opened with.
	 */
	static final class RevokedTokenFilter extends OncePerRequestFilter {

		private final ApiTokens tokens;

		RevokedTokenFilter(ApiTokens tokens) {
			this.tokens = tokens;
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			ConsoleUser user = ConsoleUser.of(SecurityContextHolder.getContext().getAuthentication());
			if (user != null && user.via() == ConsoleUser.Via.TOKEN && !this.tokens.active(user.tokenId())) {
				SecurityContextHolder.clearContext();
				HttpSession session = request.getSession(false);
				if (session != null) {
					session.invalidate();
				}
			}
			chain.doFilter(request, response);
		}

	}

}
