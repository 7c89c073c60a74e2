package dev.tollgate.problem;

import java.util.UUID;

import org.slf4j.Logger;

import org.springframework.http.ProblemDetail;

/**
 * What every unexpected failure gets, wherever it is caught: a fresh correlation id, one
 * log line at ERROR with that id and the trace (the only line about it), and a 5xx
 * problem that names the id and nothing of the exception, whose text can name tables,
 * hosts or values.
 */
final class UnexpectedFailure {

	private UnexpectedFailure() {
	}

	/**
	 * Logs the failure once and returns the body to answer with.
	 * @param cause the exception, or {@code null} where there is none (a
	 * {@code sendError})
	 */
	static ProblemDetail logAndDescribe(Logger log, int status, String requestUri, Throwable cause) {
		String correlationId = UUID.randomUUID().toString();
		log.error("Unexpected error answered as {}, correlation id {}, request {}", status, correlationId, requestUri,
				cause);
		ProblemDetail problem = Problems.of(ProblemType.INTERNAL_ERROR,
				"Something went wrong on our side. Quote correlation id " + correlationId + " to the operator.");
		problem.setStatus(status);
		problem.setProperty("correlationId", correlationId);
		return problem;
	}

}
