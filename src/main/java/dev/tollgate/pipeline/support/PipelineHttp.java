package dev.tollgate.pipeline.support;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.outbound.OutboundHttp;

/** What the CI clients share about reading answers and writing requests. */
public final class PipelineHttp {

	/** Bigger answers are not read further: no answer we need comes near it. */
	public static final int MAX_RESPONSE_BYTES = OutboundHttp.MAX_RESPONSE_BYTES;

	/** Upstream messages are cut to this length before they become failure reasons. */
	public static final int MAX_REASON_CHARS = 300;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private PipelineHttp() {
	}

	/**
	 * A retry's look-up for an earlier attempt's run got a 429, a 5xx or no answer.
	 * Dispatching now could start a second run for the decision, so the attempt fails
	 * transiently and the job retries later (a permanent answer such as 403, or nothing
	 * found, still lets it dispatch).
	 */
	public static void refuseBlindRedispatch(String system, int status) {
		if (status == 429 || status >= 500) {
			throw TriggerFailure.transientFailure(system + " answered " + status
					+ " to the look-up for an earlier attempt's run; not dispatching again until it can be checked",
					null);
		}
	}

	/**
	 * A retry's look-up for an earlier attempt's run was answered 200 with a body that
	 * cannot be read (over the size limit, not JSON, not the list): the run may be in it,
	 * so as for {@link #refuseBlindRedispatch} the attempt fails transiently instead of
	 * dispatching blind.
	 */
	public static TriggerFailure unreadableLookup(String system) {
		return TriggerFailure
			.transientFailure(system + "'s answer to the look-up for an earlier attempt's run could not"
					+ " be read; not dispatching again until it can be checked", null);
	}

	/**
	 * Rethrows a transient failure of a look-up (see {@link #refuseBlindRedispatch});
	 * other failures mean "not found".
	 */
	public static void rethrowIfTransient(RuntimeException ex) {
		if (ex instanceof TriggerFailure failure && !failure.permanent()) {
			throw failure;
		}
	}

	/** The body as JSON; {@code null} when it is empty or not JSON. */
	public static JsonNode parse(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			return JSON.readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	public static String scalar(JsonNode node) {
		if (node == null || !(node.isString() || node.isNumber() || node.isBoolean())) {
			return null;
		}
		return node.asString();
	}

	/** One line, at most {@link #MAX_REASON_CHARS} characters. */
	public static String bounded(String text) {
		String oneLine = text.replaceAll("\\s+", " ").strip();
		return (oneLine.length() <= MAX_REASON_CHARS) ? oneLine : oneLine.substring(0, MAX_REASON_CHARS) + "…";
	}

	/**
	 * The target's base URL without a trailing slash (a context path such as
	 * {@code /jenkins} is kept).
	 * @param fallback used when the target names none; {@code null} makes a base URL
	 * required
	 */
	public static String baseUrl(String configured, String fallback, String product) {
		String base = (configured != null && !configured.isBlank()) ? configured.strip() : fallback;
		if (base == null) {
			throw TriggerFailure.permanent("The " + product + " target has no baseUrl.");
		}
		while (base.endsWith("/")) {
			base = base.substring(0, base.length() - 1);
		}
		try {
			java.net.URI uri = new java.net.URI(base);
			if (uri.getScheme() == null || uri.getHost() == null || uri.getRawQuery() != null
					|| uri.getRawFragment() != null) {
				throw new IllegalArgumentException();
			}
		}
		catch (Exception ex) {
			throw TriggerFailure.permanent("The " + product + " baseUrl '" + bounded(base) + "' is not a usable URL.");
		}
		return base;
	}

	public static String formEncode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	public static String queryEncode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	public static String withoutQuery(String path) {
		int query = path.indexOf('?');
		return (query < 0) ? path : path.substring(0, query);
	}

}
