package dev.tollgate.pipeline.support;

import java.net.URI;
import java.net.URISyntaxException;
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

	private static final Duration MAX_DURATION = Duration.ofDays(366);

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

	/**
	 * A reported run time, or {@code null} when absent. Bounded, because a signed but
	 * absurd value ({@code 1e308}) must be a 400 naming the field, not an overflow later.
	 */
	public static Duration duration(JsonNode value, String field, long perSecond) {
		if (value.isMissingNode() || value.isNull()) {
			return null;
		}
		double amount = value.isNumber() ? value.asDouble() : Double.NaN;
		if (!(amount >= 0 && amount <= MAX_DURATION.toSeconds() * (double) perSecond)) {
			throw new IllegalArgumentException("The callback's " + field + " must be a number of "
					+ ((perSecond == 1) ? "seconds" : "milliseconds") + " between 0 and " + MAX_DURATION.toDays()
					+ " days.");
		}
		return (perSecond == 1) ? Duration.ofSeconds((long) amount) : Duration.ofMillis((long) amount);
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

	/**
	 * Why a run URL reported by a callback may not be linked from a Jira comment, or
	 * {@code null} when it may: it must be an absolute https URL (http only where the web
	 * root itself is http, as the outbound policy allowed when the target was saved),
	 * without user info, on the web root's host and port and under its path.
	 * @param webRoot where the target's runs are shown ({@code null} for a run recorded
	 * before it was: then only https is required)
	 */
	public static String linkProblem(String url, String webRoot) {
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			return "not a URL";
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!uri.isAbsolute() || uri.getRawAuthority() == null || uri.getHost() == null) {
			return "not an absolute web URL";
		}
		if (uri.getRawUserInfo() != null) {
			return "carries user info";
		}
		if (webRoot == null) {
			return scheme.equals("https") ? null : "not https";
		}
		URI root = URI.create(webRoot);
		if (!scheme.equals("https") && !(scheme.equals("http") && "http".equalsIgnoreCase(root.getScheme()))) {
			return "scheme " + scheme + " is not allowed";
		}
		String path = (uri.getRawPath() != null) ? uri.getRawPath() : "";
		String rootPath = (root.getRawPath() != null && !root.getRawPath().isEmpty()) ? root.getRawPath() : "/";
		boolean sameOrigin = uri.getHost().equalsIgnoreCase(root.getHost()) && port(uri) == port(root);
		if (!sameOrigin || !(path + "/").startsWith(rootPath.endsWith("/") ? rootPath : rootPath + "/")
				|| path.contains("/../") || path.endsWith("/..")) {
			return "not under " + webRoot;
		}
		return null;
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
	}

	/** {@code https://host:port/} of a base URL, or {@code null} if it is not one. */
	public static String origin(String baseUrl) {
		try {
			URI uri = new URI(baseUrl);
			if (uri.getScheme() == null || uri.getHost() == null) {
				return null;
			}
			return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority() + "/";
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	/** A base URL as a web root: with one trailing slash. */
	public static String root(String baseUrl) {
		if (baseUrl == null) {
			return null;
		}
		String root = baseUrl.strip();
		while (root.endsWith("/")) {
			root = root.substring(0, root.length() - 1);
		}
		return root + "/";
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
