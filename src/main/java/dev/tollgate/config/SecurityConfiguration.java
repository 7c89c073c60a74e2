package dev.tollgate.config;

import java.net.URI;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Default deny. Webhook endpoints authenticate each delivery by its signature (in the controller,
 * over the raw body), health and metrics are public, everything else needs a bearer token.
 * No sessions and no cookies, hence no CSRF tokens.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http, JsonMapper json) throws Exception {
		return http.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.httpBasic((basic) -> basic.disable())
			.formLogin((form) -> form.disable())
			.logout((logout) -> logout.disable())
			.requestCache((cache) -> cache.disable())
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers("/webhooks/**", "/actuator/health", "/actuator/health/**", "/actuator/prometheus",
						"/error")
				.permitAll()
				.anyRequest()
				.authenticated())
			.exceptionHandling((exceptions) -> exceptions
				.authenticationEntryPoint((request, response, ex) -> writeProblem(json, response,
						HttpStatus.UNAUTHORIZED, "unauthorized", "A valid bearer token is required."))
				.accessDeniedHandler((request, response, ex) -> writeProblem(json, response, HttpStatus.FORBIDDEN,
						"forbidden", "The token's scopes do not allow this.")))
			.build();
	}

	/** Until API tokens exist nothing authenticates; this also stops Boot's generated default user. */
	@Bean
	AuthenticationManager authenticationManager() {
		return (authentication) -> {
			throw new BadCredentialsException("No authentication method is configured");
		};
	}

	static void writeProblem(JsonMapper json, jakarta.servlet.http.HttpServletResponse response, HttpStatus status,
			String type, String detail) throws java.io.IOException {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("https://tollgate.dev/problems/" + type));
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		json.writeValue(response.getOutputStream(), problem);
	}

}
