package dev.tollgate.problem;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The last resort for any controller: an error nobody mapped becomes a 500 problem with a
 * correlation id, and exactly one log line carries that id with the trace. The body says
 * nothing about the exception, since its text can name tables, hosts or values. Ordered
 * last, so every specific handler (ours and Spring's) is tried first.
 */
@Order(Ordered.LOWEST_PRECEDENCE)
@RestControllerAdvice
class UnexpectedErrors {

	private static final Logger log = LoggerFactory.getLogger(UnexpectedErrors.class);

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex, HttpServletRequest request) throws Exception {
		if (ex instanceof org.springframework.security.access.AccessDeniedException
				|| ex instanceof org.springframework.security.core.AuthenticationException) {
			// Spring Security answers these (401/403) itself.
			throw ex;
		}
		ProblemDetail problem = UnexpectedFailure.logAndDescribe(log, HttpStatus.INTERNAL_SERVER_ERROR.value(),
				request.getRequestURI(), ex);
		return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
