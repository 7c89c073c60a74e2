package dev.tollgate.admin;

import dev.tollgate.problem.ProblemType;
import dev.tollgate.problem.Problems;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import tools.jackson.databind.json.JsonMapper;

/**
 * Default deny. Webhook endpoints authenticate each delivery by its signature (in the
 * controller, over the raw body); health, metrics and the OpenAPI document are public;
 * the admin API needs a bearer token whose scope fits: {@code admin} everything,
 * {@code auditor} reads, {@code approver} votes. Any other path is denied. No sessions
 * and no cookies, hence no CSRF tokens.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	private static final String ADMIN = TokenPrincipal.Scope.ADMIN.authority();

	private static final String AUDITOR = TokenPrincipal.Scope.AUDITOR.authority();

	private static final String APPROVER = TokenPrincipal.Scope.APPROVER.authority();

	/**
	 * No observations of Spring Security's own: the property that switches them off
	 * ({@code management.observations.enable.spring.security}) still left every filter
	 * wrapped in an observing decorator, a few percent of a webhook's CPU;
	 * {@code http.server.requests} still times every request.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http, JsonMapper json, ApiTokens tokens) throws Exception {
		return http.csrf((csrf) -> csrf.disable())
			.addFilterBefore(new BearerTokenFilter(tokens), AnonymousAuthenticationFilter.class)
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.httpBasic((basic) -> basic.disable())
			.formLogin((form) -> form.disable())
			.logout((logout) -> logout.disable())
			.requestCache((cache) -> cache.disable())
			// Spring Security's defaults stay (nosniff, X-Frame-Options DENY,
			// Cache-Control no-store,
			// HSTS on https requests); added: no Referer leaves for links in the Swagger
			// UI, and
			// frame-ancestors for browsers that prefer CSP over X-Frame-Options. No
			// script policy:
			// nothing here renders user content, and the Swagger UI needs its inline
			// scripts.
			.headers((headers) -> headers.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.NO_REFERRER))
				.contentSecurityPolicy((csp) -> csp.policyDirectives("frame-ancestors 'none'")))
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers("/webhooks/**", "/actuator/health", "/actuator/health/**", "/actuator/prometheus",
						"/error", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
				.permitAll()
				.requestMatchers(HttpMethod.POST, "/api/v1/approvals/*/approve", "/api/v1/approvals/*/deny")
				.hasAuthority(APPROVER)
				.requestMatchers(HttpMethod.GET, "/api/v1/approvals", "/api/v1/approvals/**")
				.hasAnyAuthority(ADMIN, AUDITOR, APPROVER)
				.requestMatchers("/api/v1/tokens", "/api/v1/tokens/**")
				.hasAuthority(ADMIN)
				.requestMatchers(HttpMethod.POST, "/api/v1/policy/explain")
				.hasAnyAuthority(ADMIN, AUDITOR)
				.requestMatchers(HttpMethod.GET, "/api/v1/**")
				.hasAnyAuthority(ADMIN, AUDITOR)
				.requestMatchers("/api/v1/**")
				.hasAuthority(ADMIN)
				.anyRequest()
				.denyAll())
			.exceptionHandling((exceptions) -> exceptions
				.authenticationEntryPoint((request, response, ex) -> Problems.write(json, response,
						Problems.of(ProblemType.UNAUTHORIZED, "A valid bearer token is required.")))
				.accessDeniedHandler((request, response, ex) -> Problems.write(json, response,
						Problems.of(ProblemType.FORBIDDEN, "The token's scopes do not allow this."))))
			.build();
	}

	/**
	 * Bearer tokens are checked by {@link BearerTokenFilter}; nothing else authenticates.
	 * This bean also stops Boot from creating (and logging the password of) a default
	 * user.
	 */
	@Bean
	AuthenticationManager authenticationManager() {
		return (authentication) -> {
			throw new BadCredentialsException("No authentication method is configured");
		};
	}

}
