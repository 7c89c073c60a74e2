package dev.tollgate.problem;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Builds problem details from the {@link ProblemType} catalogue. {@code detail} must be
 * our own sentence, safe to show the caller: never an exception's internals, never a
 * secret.
 */
public final class Problems {

	private Problems() {
	}

	/** One offending field of a request, listed under {@code errors}. */
	public record FieldError(String field, String message) {
	}

	public static ProblemDetail of(ProblemType type, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), detail);
		problem.setType(type.uri());
		return problem;
	}

	/**
	 * A problem that lists every offending field as {@code errors: [{field, message}]}.
	 */
	public static ProblemDetail of(ProblemType type, String detail, List<FieldError> errors) {
		ProblemDetail problem = of(type, detail);
		problem.setProperty("errors", errors);
		return problem;
	}

	/**
	 * Writes a problem from a servlet filter, outside Spring MVC's message converters.
	 */
	public static void write(JsonMapper json, HttpServletResponse response, ProblemDetail problem) throws IOException {
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		json.writeValue(response.getOutputStream(), problem);
	}

}
