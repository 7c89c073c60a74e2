package dev.tollgate.admin;

import java.net.URI;
import java.util.List;
import java.util.Map;

import dev.tollgate.policy.PolicyProblems;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Maps admin API failures to RFC 9457 problem details with stable {@code type} URIs. Validation
 * problems list every bad field as {@code errors: [{field, message}]}. Messages are our own
 * sentences, never an exception's internals.
 */
// Before Boot's generic problem-details handler, so validation errors list their fields.
@Order(Ordered.HIGHEST_PRECEDENCE)
@RestControllerAdvice(basePackageClasses = AdminProblems.class)
class AdminProblems {

	@ExceptionHandler(MethodArgumentNotValidException.class)
	ResponseEntity<ProblemDetail> invalid(MethodArgumentNotValidException ex) {
		List<Map<String, String>> errors = ex.getBindingResult()
			.getFieldErrors()
			.stream()
			.map((error) -> Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage())))
			.toList();
		return problem(HttpStatus.BAD_REQUEST, "invalid-request", "The request has invalid fields.", errors);
	}

	@ExceptionHandler(HandlerMethodValidationException.class)
	ResponseEntity<ProblemDetail> invalidParameters(HandlerMethodValidationException ex) {
		List<Map<String, String>> errors = ex.getParameterValidationResults()
			.stream()
			.flatMap((result) -> result.getResolvableErrors()
				.stream()
				.map((error) -> Map.of("field", String.valueOf(result.getMethodParameter().getParameterName()),
						"message", String.valueOf(error.getDefaultMessage()))))
			.toList();
		return problem(HttpStatus.BAD_REQUEST, "invalid-request", "The request has invalid parameters.", errors);
	}

	@ExceptionHandler(HttpMessageNotReadableException.class)
	ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException ex) {
		return problem(HttpStatus.BAD_REQUEST, "unreadable-request",
				"The request body is not valid JSON (or YAML) of the expected shape.", null);
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ResponseEntity<ProblemDetail> mismatch(MethodArgumentTypeMismatchException ex) {
		return problem(HttpStatus.BAD_REQUEST, "invalid-request", "A parameter has the wrong type.",
				List.of(Map.of("field", ex.getName(), "message", "has the wrong type")));
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<ProblemDetail> illegalArgument(IllegalArgumentException ex) {
		return problem(HttpStatus.BAD_REQUEST, "invalid-request", ex.getMessage(), null);
	}

	@ExceptionHandler(PolicyProblems.Rejected.class)
	ResponseEntity<ProblemDetail> rejected(PolicyProblems.Rejected ex) {
		List<Map<String, String>> errors = ex.problems()
			.stream()
			.map((p) -> Map.of("field", p.field(), "message", p.message()))
			.toList();
		return problem(HttpStatus.UNPROCESSABLE_CONTENT, "policy-rejected",
				"The change refers to something that does not exist or does not fit.", errors);
	}

	@ExceptionHandler(PolicyProblems.NotFound.class)
	ResponseEntity<ProblemDetail> notFound(PolicyProblems.NotFound ex) {
		return problem(HttpStatus.NOT_FOUND, "not-found", ex.getMessage(), null);
	}

	@ExceptionHandler(PolicyProblems.Conflict.class)
	ResponseEntity<ProblemDetail> conflict(PolicyProblems.Conflict ex) {
		return problem(HttpStatus.CONFLICT, "conflict", ex.getMessage(), null);
	}

	@ExceptionHandler(PolicyProblems.VersionMismatch.class)
	ResponseEntity<ProblemDetail> stale(PolicyProblems.VersionMismatch ex) {
		return problem(HttpStatus.PRECONDITION_FAILED, "stale-version", ex.getMessage(), null);
	}

	static ResponseEntity<ProblemDetail> problem(HttpStatus status, String type, String detail,
			List<Map<String, String>> errors) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("https://tollgate.dev/problems/" + type));
		if (errors != null) {
			problem.setProperty("errors", errors);
		}
		return ResponseEntity.status(status).body(problem);
	}

}
