package dev.tollgate.admin;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>} against {@link ApiTokens}. An
 * invalid or expired token leaves the request anonymous, so the security rules answer
 * 401; a valid one carries its scopes as {@code SCOPE_*} authorities, so a wrong scope
 * answers 403.
 */
public class BearerTokenFilter extends OncePerRequestFilter {

	private final ApiTokens tokens;

	public BearerTokenFilter(ApiTokens tokens) {
		this.tokens = tokens;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			this.tokens.authenticate(header.substring(7)).ifPresent((principal) -> {
				var authorities = principal.scopes()
					.stream()
					.map((scope) -> new SimpleGrantedAuthority(scope.authority()))
					.toList();
				SecurityContextHolder.getContext()
					.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(principal, null, authorities));
			});
		}
		chain.doFilter(request, response);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !request.getRequestURI().startsWith("/api/");
	}

}
