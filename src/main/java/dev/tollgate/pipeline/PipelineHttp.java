package dev.tollgate.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the CI clients share about reading answers and writing requests. */
final class PipelineHttp {

	/** Bigger answers are not read further: no answer we need comes near it. */
	static final int MAX_RESPONSE_BYTES = 1024 * 1024;

	/** Upstream messages are cut to this length before they become failure reasons. */
	static final int MAX_REASON_CHARS = 300;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private PipelineHttp() {
	}

	static byte[] readBounded(InputStream in) throws IOException {
		try (in) {
			return in.readNBytes(MAX_RESPONSE_BYTES);
		}
	}

	/** The body as JSON; {@code null} when it is empty or not JSON. */
	static JsonNode parse(byte[] body) {
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

	static String scalar(JsonNode node) {
		if (node == null || !(node.isString() || node.isNumber() || node.isBoolean())) {
			return null;
		}
		return node.asString();
	}

	/** One line, at most {@link #MAX_REASON_CHARS} characters. */
	static String bounded(String text) {
		String oneLine = text.replaceAll("\\s+", " ").strip();
		return (oneLine.length() <= MAX_REASON_CHARS) ? oneLine : oneLine.substring(0, MAX_REASON_CHARS) + "…";
	}

	static String formEncode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	static String queryEncode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	static String withoutQuery(String path) {
		int query = path.indexOf('?');
		return (query < 0) ? path : path.substring(0, query);
	}

}
