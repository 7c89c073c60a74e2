package dev.tollgate.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What {@code /error} answers, in place of Boot's default error body: the container
 * forwards here a {@code sendError} from anywhere (Spring's 404 for a path nobody serves,
 * say) and what else no controller answered. It is problem+json like every other error; a
 * 5xx gets a correlation id and one log line. An exception thrown in a servlet filter
 * does not come here but is answered by {@link UnexpectedErrorFilter}, ahead of the
 * container, which would log it a second time.
 */
// Not an operation of the API: the container's error page, so not in the OpenAPI
// document.
@io.swagger.v3.oas.annotations.Hidden
@RestController
class ErrorEndpoint implements ErrorController {

	private static final Logger log = LoggerFactory.getLogger(ErrorEndpoint.class);

	@RequestMapping("/error")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		HttpStatus status = status(request);
		ProblemDetail problem;
		if (status.is5xxServerError()) {
			Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
			problem = UnexpectedFailure.logAndDescribe(log, status.value(),
					String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)),
					(exception instanceof Throwable throwable) ? throwable : null);
		}
		else {
			// Only the statuses whose catalogued type is unambiguous; a 429 here, say, is
			// no
			// bad-signature limit.
			problem = switch (status) {
				case UNAUTHORIZED -> Problems.of(ProblemType.UNAUTHORIZED, "A valid bearer token is required.");
				case FORBIDDEN -> Problems.of(ProblemType.FORBIDDEN, "This request is not allowed.");
				case NOT_FOUND -> Problems.of(ProblemType.NOT_FOUND, "There is nothing at this address.");
				default -> ProblemDetail.forStatusAndDetail(status, status.getReasonPhrase() + ".");
			};
		}
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	private static HttpStatus status(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = (code instanceof Integer value) ? HttpStatus.resolve(value) : null;
		return (status != null) ? status : HttpStatus.INTERNAL_SERVER_ERROR;
	}

}
