package dev.tollgate.admin;

import java.io.IOException;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.problem.Problems;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A check on every admin API request, before any controller sees it: a request the check
 * refuses is answered with its problem at once, any other goes on (wrapped, when the
 * check also watches what is read later). One shape for each such check, so each states
 * only its rule.
 */
final class ApiRequestFilter extends OncePerRequestFilter {

	private final JsonMapper json;

	private final Function<HttpServletRequest, ProblemDetail> refusal;

	private final UnaryOperator<HttpServletRequest> wrapper;

	private ApiRequestFilter(JsonMapper json, Function<HttpServletRequest, ProblemDetail> refusal,
			UnaryOperator<HttpServletRequest> wrapper) {
		this.json = json;
		this.refusal = refusal;
		this.wrapper = wrapper;
	}

	/**
	 * @param refusal the problem a request is answered with, or {@code null} to let it
	 * through
	 * @param wrapper what the request that goes on is wrapped in
	 */
	static FilterRegistrationBean<OncePerRequestFilter> onApi(JsonMapper json,
			Function<HttpServletRequest, ProblemDetail> refusal, UnaryOperator<HttpServletRequest> wrapper) {
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
				new ApiRequestFilter(json, refusal, wrapper));
		registration.addUrlPatterns("/api/*");
		return registration;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		ProblemDetail problem = this.refusal.apply(request);
		if (problem != null) {
			Problems.write(this.json, response, problem);
			return;
		}
		chain.doFilter(this.wrapper.apply(request), response);
	}

}
