package dev.tollgate.admin;

import java.time.Instant;
import java.util.List;

import dev.tollgate.policy.PolicyProblems;
import dev.tollgate.problem.ProblemType;
import dev.tollgate.problem.Problems;
import dev.tollgate.problem.Problems.FieldError;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Maps admin API failures to RFC 9457 problem details with stable {@code type} URIs.
 * Validation problems list every bad field as {@code errors: [{field, message}]}.
 * Messages are our own sentences, never an exception's internals.
 */
// Before Boot's generic problem-details handler, so validation errors list their fields.
@Order(Ordered.HIGHEST_PRECEDENCE)
@RestControllerAdvice(basePackageClasses = AdminProblems.class)
class AdminProblems {

	@ExceptionHandler(MethodArgumentNotValidException.class)
	ResponseEntity<ProblemDetail> invalid(MethodArgumentNotValidException ex) {
		List<FieldError> errors = ex.getBindingResult()
			.getFieldErrors()
			.stream()
			.map((error) -> new FieldError(error.getField(), String.valueOf(error.getDefaultMessage())))
			.toList();
		return problem(Problems.of(ProblemType.INVALID_REQUEST, "The request has invalid fields.", errors));
	}

	@ExceptionHandler(HandlerMethodValidationException.class)
	ResponseEntity<ProblemDetail> invalidParameters(HandlerMethodValidationException ex) {
		List<FieldError> errors = ex.getParameterValidationResults()
			.stream()
			.flatMap((result) -> result.getResolvableErrors()
				.stream()
				.map((error) -> new FieldError(String.valueOf(result.getMethodParameter().getParameterName()),
						String.valueOf(error.getDefaultMessage()))))
			.toList();
		return problem(Problems.of(ProblemType.INVALID_REQUEST, "The request has invalid parameters.", errors));
	}

	@ExceptionHandler(HttpMessageNotReadableException.class)
	ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException ex) {
		return problem(BodyProblems.of(ex, "JSON"));
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ResponseEntity<ProblemDetail> mismatch(MethodArgumentTypeMismatchException ex) {
		return problem(Problems.of(ProblemType.INVALID_REQUEST, "A parameter has the wrong type.",
				List.of(new FieldError(ex.getName(), accepts(ex.getRequiredType())))));
	}

	/** What a query parameter of this type accepts, with an example a person can copy. */
	private static String accepts(Class<?> type) {
		if (type == null) {
			return "has the wrong type";
		}
		if (type.isEnum()) {
			return "must be one of " + BodyProblems.enumValues(type);
		}
		if (type == Instant.class) {
			return "must be an ISO-8601 instant such as 2026-01-31T09:30:00Z";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "must be true or false";
		}
		if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
			return "must be a whole number";
		}
		return "has the wrong type";
	}

	@ExceptionHandler(InvalidField.class)
	ResponseEntity<ProblemDetail> invalidField(InvalidField ex) {
		return problem(Problems.of(ProblemType.INVALID_REQUEST, "The request has invalid fields.",
				List.of(new FieldError(ex.field(), ex.getMessage()))));
	}

	@ExceptionHandler(ErrorResponseException.class)
	ResponseEntity<ProblemDetail> described(ErrorResponseException ex) {
		return problem(ex.getBody());
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<ProblemDetail> illegalArgument(IllegalArgumentException ex) {
		return problem(Problems.of(ProblemType.INVALID_REQUEST, ex.getMessage()));
	}

	@ExceptionHandler(PolicyProblems.Rejected.class)
	ResponseEntity<ProblemDetail> rejected(PolicyProblems.Rejected ex) {
		List<FieldError> errors = ex.problems().stream().map((p) -> new FieldError(p.field(), p.message())).toList();
		return problem(Problems.of(ProblemType.POLICY_REJECTED,
				"The change refers to something that does not exist or does not fit.", errors));
	}

	@ExceptionHandler(PolicyProblems.NotFound.class)
	ResponseEntity<ProblemDetail> notFound(PolicyProblems.NotFound ex) {
		return problem(Problems.of(ProblemType.NOT_FOUND, ex.getMessage()));
	}

	@ExceptionHandler(PolicyProblems.Conflict.class)
	ResponseEntity<ProblemDetail> conflict(PolicyProblems.Conflict ex) {
		return problem(Problems.of(ProblemType.CONFLICT, ex.getMessage()));
	}

	@ExceptionHandler(PolicyProblems.VersionMismatch.class)
	ResponseEntity<ProblemDetail> stale(PolicyProblems.VersionMismatch ex) {
		return problem(Problems.of(ProblemType.STALE_VERSION, ex.getMessage()));
	}

	private static ResponseEntity<ProblemDetail> problem(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

}
