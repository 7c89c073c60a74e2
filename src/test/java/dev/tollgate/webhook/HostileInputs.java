package dev.tollgate.webhook;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import dev.tollgate.support.JiraPayloads;

/**
 * Seeded, reproducible generators of hostile webhook input for the property tests: random
 * JSON built from the field names the parser looks at (so random values reach its deeper
 * branches), byte- and token-level mutations of real Jira payloads, and mangled signature
 * headers. Everything is a pure function of the seed, and the seed is part of each test's
 * display name, so a failure is replayed by running that one case again.
 */
final class HostileInputs {

	/**
	 * Base of the seed ranges; each test adds its own offset so that the suites explore
	 * different inputs.
	 */
	static final long BASE_SEED = 0x7011_6A7EL;

	/**
	 * The names the parser reads, so that random objects hit real branches rather than
	 * ignored fields.
	 */
	private static final String[] KEYS = { "webhookEvent", "issue", "id", "key", "fields", "project", "issuetype",
			"name", "status", "changelog", "items", "field", "fieldId", "from", "fromString", "to", "toString", "user",
			"accountId", "comment", "body", "author", "content", "type", "text", "timestamp", "x" };

	private static final String[] EVENTS = { "jira:issue_updated", "jira:issue_created", "comment_created",
			"project_created", "", " " };

	private static final String[] STRINGS = { "status", "text", "paragraph", "hardBreak", "doc", "/approve",
			"/deny because", "OPS-1", "OPS", "-", "OPS-", "Done", "\u0000", "\ud800", "\u202e", "é", "💥", "  ",
			"99999999999999999999" };

	/** Literal tokens that break or stress a JSON reader when spliced into a body. */
	private static final String[] TOKENS = { "{", "}", "[", "]", "\"", ",", ":", "\\", "\\u", "\\u0000", "\\ud800",
			"null", "true", "1e400", "-0", "NaN", "99999999999999999999", "\u0000", "\"webhookEvent\":\"x\",",
			"\"webhookEvent\":", "/*", "\u00ff", "\r\n" };

	private HostileInputs() {
	}

	static Stream<Long> seeds(long offset, int count) {
		return LongStream.range(0, count).mapToObj((i) -> BASE_SEED + offset + i);
	}

	/** Realistic, valid Jira deliveries (the shapes the gateway acts on or ignores). */
	static List<String> validBodies() {
		return List.of(JiraPayloads.transition("10042", "10350", "In Progress", "Ready for Deploy"),
				JiraPayloads.fieldEdit("10043", "10351"), JiraPayloads.issueCreated("10044"),
				JiraPayloads.comment("10045", "20001", "/approve"), JiraPayloads.comment("10046", "20002", "nice"),
				JiraPayloads.otherEvent(), """
						{"webhookEvent":"comment_created","comment":{"id":7,"body":{"type":"doc","version":1,"content":[
						 {"type":"paragraph","content":[{"type":"text","text":"/deny"},{"type":"hardBreak"},
						 {"type":"text","text":"not yet"}]}]}},"issue":{"id":8,"key":"OPS-8","fields":{}}}
						""");
	}

	/** A random (mostly well-formed) JSON document; {@code depth} bounds the nesting. */
	static String randomJson(SplittableRandom random, int depth) {
		StringBuilder out = new StringBuilder();
		if (random.nextInt(4) > 0) {
			// Usually an object with a webhookEvent, so that most cases get past the
			// first checks.
			out.append("{\"webhookEvent\":").append(quote(EVENTS[random.nextInt(EVENTS.length)]));
			int fields = random.nextInt(5);
			for (int i = 0; i < fields; i++) {
				out.append(',').append(quote(KEYS[random.nextInt(KEYS.length)])).append(':');
				value(random, depth, out);
			}
			out.append('}');
		}
		else {
			value(random, depth, out);
		}
		return out.toString();
	}

	private static void value(SplittableRandom random, int depth, StringBuilder out) {
		int kind = random.nextInt((depth > 0) ? 9 : 6);
		switch (kind) {
			case 0 -> out.append("null");
			case 1 -> out.append(random.nextBoolean());
			case 2 -> out.append(number(random));
			case 3, 4 -> out.append(quote(STRINGS[random.nextInt(STRINGS.length)]));
			case 5 -> out.append(quote(randomText(random, random.nextInt(12))));
			case 6 -> {
				out.append('[');
				int n = random.nextInt(4);
				for (int i = 0; i < n; i++) {
					out.append((i > 0) ? "," : "");
					value(random, depth - 1, out);
				}
				out.append(']');
			}
			default -> {
				out.append('{');
				int n = random.nextInt(5);
				for (int i = 0; i < n; i++) {
					out.append((i > 0) ? "," : "").append(quote(KEYS[random.nextInt(KEYS.length)])).append(':');
					value(random, depth - 1, out);
				}
				out.append('}');
			}
		}
	}

	private static String number(SplittableRandom random) {
		return switch (random.nextInt(6)) {
			case 0 -> Long.toString(random.nextLong());
			case 1 -> "1e400";
			case 2 -> "-1e-400";
			case 3 -> "99999999999999999999";
			case 4 -> Double.toString(random.nextDouble() * 1e6);
			default -> Integer.toString(random.nextInt(100));
		};
	}

	/**
	 * Random characters, including controls, surrogates (paired or not) and non-BMP code
	 * points.
	 */
	static String randomText(SplittableRandom random, int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			switch (random.nextInt(6)) {
				case 0 -> text.append((char) random.nextInt(0x20));
				case 1 -> text.append((char) random.nextInt(0xD800, 0xE000));
				case 2 -> text.appendCodePoint(random.nextInt(0x10000, 0x110000));
				case 3 -> text.append((char) random.nextInt(0x80, 0x800));
				default -> text.append((char) random.nextInt(0x20, 0x7F));
			}
		}
		return text.toString();
	}

	/**
	 * A JSON string literal for {@code text}, escaping what JSON requires (and nothing
	 * else).
	 */
	static String quote(String text) {
		StringBuilder out = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			if (c == '"' || c == '\\') {
				out.append('\\').append(c);
			}
			else if (c < 0x20) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return out.append('"').toString();
	}

	/**
	 * One to four random mutations of {@code body}: bit flips, splices, cuts, token
	 * insertions, repeats.
	 */
	static byte[] mutate(SplittableRandom random, byte[] body) {
		byte[] current = body;
		int rounds = 1 + random.nextInt(4);
		for (int r = 0; r < rounds; r++) {
			current = mutateOnce(random, current);
		}
		return current;
	}

	private static byte[] mutateOnce(SplittableRandom random, byte[] body) {
		if (body.length == 0) {
			return TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
		}
		int at = random.nextInt(body.length);
		ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
		switch (random.nextInt(7)) {
			case 0 -> {
				byte[] copy = body.clone();
				copy[at] ^= (byte) (1 << random.nextInt(8));
				return copy;
			}
			case 1 -> {
				byte[] copy = body.clone();
				copy[at] = (byte) random.nextInt(256);
				return copy;
			}
			case 2 -> {
				out.write(body, 0, at);
				byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
				out.write(token, 0, token.length);
				out.write(body, at, body.length - at);
			}
			case 3 -> {
				int length = 1 + random.nextInt(Math.min(32, body.length - at));
				out.write(body, 0, at);
				out.write(body, at + length, body.length - at - length);
			}
			case 4 -> out.write(body, 0, at);
			case 5 -> {
				int length = 1 + random.nextInt(Math.min(64, body.length - at));
				out.write(body, 0, at + length);
				out.write(body, at, body.length - at);
			}
			default -> {
				// Invalid UTF-8: a lone continuation byte, an overlong encoding, or a
				// truncated sequence.
				byte[][] bad = { { (byte) 0x80 }, { (byte) 0xC0, (byte) 0xAF }, { (byte) 0xE2, (byte) 0x82 },
						{ (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, { (byte) 0xFF } };
				byte[] token = bad[random.nextInt(bad.length)];
				out.write(body, 0, at);
				out.write(token, 0, token.length);
				out.write(body, at, body.length - at);
			}
		}
		return out.toByteArray();
	}

	/** A random body: a mutated real payload, random JSON, or raw random bytes. */
	static byte[] randomBody(SplittableRandom random) {
		List<String> valid = validBodies();
		return switch (random.nextInt(4)) {
			case 0, 1 -> mutate(random, valid.get(random.nextInt(valid.size())).getBytes(StandardCharsets.UTF_8));
			case 2 -> randomJson(random, 4).getBytes(StandardCharsets.UTF_8);
			default -> {
				byte[] bytes = new byte[random.nextInt(256)];
				random.nextBytes(bytes);
				yield bytes;
			}
		};
	}

	/**
	 * A signature header that is not {@code valid} (ignoring what the verifier
	 * legitimately ignores: surrounding blanks and the case of ASCII letters), derived
	 * from it or made up.
	 */
	static String wrongSignature(SplittableRandom random, String valid) {
		while (true) {
			String candidate = signatureMutation(random, valid);
			if (!sameSignature(candidate, valid)) {
				return candidate;
			}
		}
	}

	private static String signatureMutation(SplittableRandom random, String valid) {
		char[] hex = "0123456789abcdef".toCharArray();
		StringBuilder header = new StringBuilder(valid);
		switch (random.nextInt(10)) {
			case 0 -> {
				int at = 7 + random.nextInt(64);
				header.setCharAt(at, hex[random.nextInt(16)]);
			}
			case 1 -> header.setLength(random.nextInt(valid.length()));
			case 2 -> header.append(hex[random.nextInt(16)]);
			case 3 -> header.replace(0, 7,
					new String[] { "sha1=", "sha512=", "SHA-256=", "", "sha256:", "sha256 = " }[random.nextInt(6)]);
			case 4 -> header.append(',').append(valid);
			case 5 -> header.insert(random.nextInt(valid.length()), randomText(random, 1 + random.nextInt(3)));
			case 6 -> {
				int at = 7 + random.nextInt(64);
				header.setCharAt(at, new char[] { 'g', 'G', ' ', '\u0660', '\uff10', '-', '+' }[random.nextInt(7)]);
			}
			case 7 -> {
				header.setLength(0);
				header.append(randomText(random, random.nextInt(100)));
			}
			case 8 -> header.replace(7, 71, "0".repeat(64));
			default -> header.replace(0, 71, "sha256=" + new StringBuilder(valid.substring(7)).reverse());
		}
		return header.toString();
	}

	/**
	 * The oracle for the verifier: a header is the valid one if, after stripping
	 * surrounding whitespace, it equals it up to the case of ASCII letters (hex digits
	 * and the {@code sha256=} prefix are case-insensitive; nothing else is).
	 */
	static boolean sameSignature(String header, String valid) {
		if (header == null) {
			return false;
		}
		String stripped = header.strip();
		if (stripped.length() != valid.length()) {
			return false;
		}
		for (int i = 0; i < valid.length(); i++) {
			if (asciiLower(stripped.charAt(i)) != asciiLower(valid.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	private static char asciiLower(char c) {
		return (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
	}

}
