package dev.tollgate.problem;

import java.net.URI;

import org.springframework.http.HttpStatus;

/**
 * The catalogue of problem types. A client may switch on the {@code type} URI: it is
 * stable, while {@code detail} is a sentence for people. Adding an error means adding a
 * constant here.
 */
public enum ProblemType {

	/**
	 * A field or parameter of an admin request is invalid; {@code errors} lists each one.
	 */
	INVALID_REQUEST(HttpStatus.BAD_REQUEST, "invalid-request"),

	/** An admin request body is not JSON (or YAML) of the expected shape. */
	UNREADABLE_REQUEST(HttpStatus.BAD_REQUEST, "unreadable-request"),

	/** A correctly signed Jira delivery that cannot be acted on. */
	MALFORMED_DELIVERY(HttpStatus.BAD_REQUEST, "malformed-delivery"),

	/** A correctly signed CI status callback that cannot be read. */
	MALFORMED_CALLBACK(HttpStatus.BAD_REQUEST, "malformed-callback"),

	/** No valid bearer token, or a delivery whose signature matches no secret. */
	UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "unauthorized"),

	/** A valid token whose scopes do not allow the request. */
	FORBIDDEN(HttpStatus.FORBIDDEN, "forbidden"),

	/** A webhook delivery from an address outside the configured sources. */
	FORBIDDEN_SOURCE(HttpStatus.FORBIDDEN, "forbidden-source"),

	NOT_FOUND(HttpStatus.NOT_FOUND, "not-found"),

	CONFLICT(HttpStatus.CONFLICT, "conflict"),

	/**
	 * An {@code If-Match} precondition named a policy version that is no longer current.
	 */
	STALE_VERSION(HttpStatus.PRECONDITION_FAILED, "stale-version"),

	/** A request body above the size limit; the body is not read past the limit. */
	BODY_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "body-too-large"),

	/**
	 * A policy change that refers to something missing or does not fit; {@code errors}
	 * lists each field.
	 */
	POLICY_REJECTED(HttpStatus.UNPROCESSABLE_CONTENT, "policy-rejected"),

	/**
	 * Too many deliveries from one address failed authentication; answered with
	 * {@code Retry-After}.
	 */
	TOO_MANY_BAD_SIGNATURES(HttpStatus.TOO_MANY_REQUESTS, "too-many-bad-signatures"),

	/**
	 * Something failed that should not have; {@code correlationId} finds the one log line
	 * with the trace. The body never carries exception text.
	 */
	INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error"),

	/**
	 * A vote that cannot count, said at once: the requester under separation of duties,
	 * or a voter without an approver role; {@code detail} says which.
	 */
	VOTE_NOT_COUNTED(HttpStatus.FORBIDDEN, "vote-not-counted"),

	/**
	 * More votes from one token in a minute than allowed; answered with
	 * {@code Retry-After}.
	 */
	TOO_MANY_VOTES(HttpStatus.TOO_MANY_REQUESTS, "too-many-votes"),

	/** The database could not take the request; answered with {@code Retry-After}. */
	UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "unavailable"),

	/**
	 * A CI system asked a gate to be answered at a URL outside the gate's target (a
	 * callback URL or build URL on another host): refused and audited.
	 */
	GATE_REFUSED(HttpStatus.UNPROCESSABLE_CONTENT, "gate-refused");

	private static final String BASE = "https://tollgate.dev/problems/";

	private final HttpStatus status;

	private final URI uri;

	ProblemType(HttpStatus status, String slug) {
		this.status = status;
		this.uri = URI.create(BASE + slug);
	}

	public HttpStatus status() {
		return this.status;
	}

	public URI uri() {
		return this.uri;
	}

}
