package dev.tollgate.problem;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.coyote.CloseNowException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * The outermost filter of every port (service and management): an exception that leaves
 * the filter chain, from any filter (the bearer token check, the body limit, the
 * console's chain, the webhook path) or from a servlet, ends here and is answered as a
 * 500 problem with one log line. Left to the container, it would be logged twice: once by
 * Tomcat ("Servlet.service() ... threw exception") and once by the error page. Exceptions
 * in controllers never get this far: {@link UnexpectedErrors} answers them inside Spring
 * MVC.
 */
final class UnexpectedErrorFilter extends OncePerRequestFilter {

	private static final Logger log = LoggerFactory.getLogger(UnexpectedErrorFilter.class);

	private final JsonMapper json;

	UnexpectedErrorFilter(JsonMapper json) {
		this.json = json;
	}

	/** Ahead of every other filter, Spring Security's and Boot's included. */
	static FilterRegistrationBean<UnexpectedErrorFilter> registration(JsonMapper json) {
		FilterRegistrationBean<UnexpectedErrorFilter> registration = new FilterRegistrationBean<>(
				new UnexpectedErrorFilter(json));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException | Error ex) {
			if (DisconnectedClientHelper.isClientDisconnectedException(ex)) {
				// The client went away: nobody to answer, and no fault of ours (the
				// container logs it at debug).
				throw ex;
			}
			ProblemDetail problem = UnexpectedFailure.logAndDescribe(log, HttpStatus.INTERNAL_SERVER_ERROR.value(),
					request.getRequestURI(), ex);
			if (response.isCommitted()) {
				// Part of a body is out: no problem can follow it, and ending the
				// response normally would make a cut-off body (an audit export, say)
				// look complete. This is Tomcat's own signal to close the connection at
				// once, which it does not log again (UnexpectedErrorTests fails first
				// if an upgrade changes that).
				throw new CloseNowException("Response cut off after an unexpected error", ex);
			}
			// Keeps the headers already set (security headers above all), drops any
			// partial body.
			response.resetBuffer();
			Problems.write(this.json, response, problem);
		}
	}

	/** Failures while an asynchronous request completes reach the container here too. */
	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

}
