package dev.tollgate.signature;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies {@code sha256=<hex>} HMAC signatures (Jira's {@code X-Hub-Signature}, GitHub's
 * {@code X-Hub-Signature-256}) over the raw body against several secrets at once, so a
 * secret can be rotated without downtime.
 * <p>
 * Every configured secret is tried, matched or not, and digests are compared with
 * {@link MessageDigest#isEqual}, so the time taken says nothing about which secret (or
 * how many leading bytes) matched. A {@link Mac} is made per call because it is not
 * thread-safe. The secrets are never part of {@link #toString()} or any message.
 */
public final class HmacSignature {

	private static final String ALGORITHM = "HmacSHA256";

	private static final String PREFIX = "sha256=";

	private static final int DIGEST_HEX_LENGTH = 64;

	/**
	 * {@code method=signature}, the method a short token (WebSub names hash algorithms).
	 */
	private static final Pattern METHOD = Pattern.compile("([A-Za-z0-9-]{1,20})=\\S+");

	private final List<SecretKeySpec> keys;

	private HmacSignature(List<SecretKeySpec> keys) {
		this.keys = keys;
	}

	/** Blank entries are dropped; an empty list verifies nothing. */
	public static HmacSignature of(List<String> secrets) {
		return new HmacSignature(secrets.stream()
			.filter((secret) -> secret != null && !secret.isBlank())
			.map((secret) -> new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM))
			.toList());
	}

	public boolean hasSecrets() {
		return !this.keys.isEmpty();
	}

	/**
	 * Whether {@code header} is a valid signature of {@code body} under any configured
	 * secret.
	 * @param header the raw header value, may be {@code null}
	 */
	public boolean matches(String header, byte[] body) {
		return verify(header, body) == Verdict.VALID;
	}

	/**
	 * What is wrong with {@code header} as a signature of {@code body}, so that a sender
	 * who forgot the header or the {@code sha256=} prefix is told exactly that instead of
	 * "no secret matched". The shape is judged before any digest is computed: it depends
	 * only on what the sender sent, so saying it gives nothing about the secrets away.
	 * @param header the raw header value, may be {@code null}
	 */
	public Verdict verify(String header, byte[] body) {
		if (header == null || header.isBlank()) {
			return Verdict.MISSING;
		}
		String value = header.strip();
		int equals = value.indexOf('=');
		if (equals < 0 || !value.substring(0, equals + 1).toLowerCase(Locale.ROOT).equals(PREFIX)) {
			return Verdict.NOT_SHA256;
		}
		byte[] claimed = parse(value);
		if (claimed == null) {
			return Verdict.MALFORMED;
		}
		if (body == null) {
			return Verdict.NO_MATCH;
		}
		boolean matched = false;
		for (SecretKeySpec key : this.keys) {
			matched |= MessageDigest.isEqual(claimed, digest(key, body));
		}
		return matched ? Verdict.VALID : Verdict.NO_MATCH;
	}

	/** The answer of {@link #verify}: valid, or the one thing wrong with the header. */
	public enum Verdict {

		VALID, MISSING, NOT_SHA256, MALFORMED, NO_MATCH;

		/**
		 * A sentence for the sender and the audit log naming what is wrong with header
		 * {@code name}; never quotes the header's value.
		 */
		public String describe(String name) {
			return switch (this) {
				case VALID -> "The " + name + " signature is valid.";
				case MISSING -> "The request has no " + name + " header: sign the raw body with HMAC-SHA256 and send "
						+ name + ": sha256=<hex digest>.";
				case NOT_SHA256 -> "The " + name + " header does not start with 'sha256=': send " + name
						+ ": sha256=<hex digest> (only HMAC-SHA256 is accepted).";
				case MALFORMED ->
					"The " + name + " header is not 'sha256=' followed by " + DIGEST_HEX_LENGTH + " hex digits.";
				case NO_MATCH -> "The " + name + " signature did not verify against any configured secret.";
			};
		}

	}

	/**
	 * Computes the header value for {@code body} under {@code secret} (tests, demos,
	 * docs).
	 */
	public static String sign(String secret, byte[] body) {
		return PREFIX + HexFormat.of()
			.formatHex(digest(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM), body));
	}

	/**
	 * Whether {@code header} has the {@code method=signature} shape but names a method
	 * other than {@code sha256} (say {@code sha1=} or {@code sha512=}). Only asked after
	 * a delivery failed to verify, to tell a sender signing another way (Jira never
	 * re-sends a 4xx, so it must be noticed) from a wrong secret or a forgery. It looks
	 * at the method only, never at a secret.
	 */
	public static boolean namesAnotherMethod(String header) {
		if (header == null) {
			return false;
		}
		Matcher matcher = METHOD.matcher(header.strip());
		return matcher.matches() && !matcher.group(1).equalsIgnoreCase(PREFIX.substring(0, PREFIX.length() - 1));
	}

	private static byte[] parse(String header) {
		if (header == null) {
			return null;
		}
		String value = header.strip();
		// The method is named in the header (WebSub style); only sha256 is accepted,
		// never a downgrade.
		if (value.length() != PREFIX.length() + DIGEST_HEX_LENGTH
				|| !value.substring(0, PREFIX.length()).toLowerCase(Locale.ROOT).equals(PREFIX)) {
			return null;
		}
		try {
			return HexFormat.of().parseHex(value, PREFIX.length(), value.length());
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static byte[] digest(SecretKeySpec key, byte[] body) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(key);
			return mac.doFinal(body);
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "HmacSignature[" + this.keys.size() + " secret(s)]";
	}

}
