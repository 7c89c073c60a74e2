package dev.tollgate.pipeline.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the providers' status callback readers share: secrets, JSON and field reading. */
public final class CallbackFields {

	private static final Pattern UUID_PATTERN = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private CallbackFields() {
	}

	/** Constant-time comparison against every configured token, matched or not. */
	public static boolean matchesAny(String presented, List<byte[]> tokens) {
		if (presented == null || presented.isEmpty()) {
			return false;
		}
		byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
		boolean matched = false;
		for (byte[] token : tokens) {
			matched |= MessageDigest.isEqual(candidate, token);
		}
		return matched;
	}

	public static List<byte[]> bytes(List<String> secrets) {
		return secrets.stream()
			.filter((secret) -> secret != null && !secret.isBlank())
			.map((secret) -> secret.strip().getBytes(StandardCharsets.UTF_8))
			.toList();
	}

	/** The body as a JSON object; {@link IllegalArgumentException} (a 400) otherwise. */
	public static JsonNode parse(byte[] body) {
		try {
			JsonNode root = JSON.readTree(body);
			if (root == null || !root.isObject()) {
				throw new IllegalArgumentException("The callback body is not a JSON object.");
			}
			return root;
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("The callback body is not valid JSON.");
		}
	}

	public static UUID decisionId(String text) {
		Matcher matcher = UUID_PATTERN.matcher(text);
		return matcher.find() ? UUID.fromString(matcher.group()) : null;
	}

	public static String text(JsonNode node) {
		return (node.isString() || node.isNumber()) ? node.asString() : null;
	}

	/** A scope as callbacks and started runs are compared: stripped, lower-case. */
	public static String scope(String name) {
		if (name == null || name.length() > 500 || name.indexOf('\u0000') >= 0) {
			return null;
		}
		String stripped = name.strip();
		while (stripped.startsWith("/")) {
			stripped = stripped.substring(1);
		}
		while (stripped.endsWith("/")) {
			stripped = stripped.substring(0, stripped.length() - 1);
		}
		return stripped.isEmpty() ? null : stripped.toLowerCase(Locale.ROOT);
	}

	public static Duration between(String start, String end) {
		try {
			return (start != null && end != null) ? Duration.between(Instant.parse(start), Instant.parse(end)) : null;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
