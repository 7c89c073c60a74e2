package dev.tollgate.pipeline.github;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.policy.Target;

/**
 * How a GitHub target authenticates: a personal access token as it is, or a GitHub App,
 * whose private key signs an RS256 JWT that buys an installation token. Installation
 * tokens are cached per server, App, installation and key until
 * {@link #TOKEN_REFRESH_MARGIN} before they expire.
 * <p>
 * The key is read by nimbus-jose-jwt (with Bouncy Castle underneath), so both PEM forms
 * work: the PKCS#1 {@code BEGIN RSA PRIVATE KEY} GitHub generates and PKCS#8
 * {@code BEGIN PRIVATE KEY}. No message, log line or {@code toString()} carries the key,
 * the JWT or a token.
 */
final class GitHubAppAuth {

	/** An installation token is replaced this long before it expires. */
	static final Duration TOKEN_REFRESH_MARGIN = Duration.ofMinutes(5);

	/**
	 * GitHub accepts an App JWT for at most ten minutes; nine leaves room for clock
	 * drift.
	 */
	static final Duration JWT_LIFETIME = Duration.ofMinutes(9);

	/** How far back {@code iat} is set, for a server clock slightly ahead of GitHub's. */
	static final Duration JWT_BACKDATE = Duration.ofSeconds(60);

	private final Clock clock;

	private final TokenExchange exchange;

	private final Map<TokenKey, InstallationToken> installationTokens = new ConcurrentHashMap<>();

	/**
	 * @param exchange trades an App JWT for an installation token (the HTTP call, which
	 * the client owns)
	 */
	GitHubAppAuth(Clock clock, TokenExchange exchange) {
		this.clock = clock;
		this.exchange = exchange;
	}

	/**
	 * The authentication the target asks for ({@code auth}: {@code TOKEN}, the default,
	 * or {@code APP}).
	 * @param base the API base the installation token is bought from
	 */
	Auth of(Target target, Secret credential, String base) {
		if (credential == null || credential.reveal() == null || credential.reveal().isBlank()) {
			throw TriggerFailure.permanent("The GitHub target has no credential.");
		}
		String mode = (target.auth() != null && !target.auth().isBlank())
				? target.auth().strip().toUpperCase(Locale.ROOT) : "TOKEN";
		if (mode.equals("TOKEN")) {
			return new TokenAuth(credential);
		}
		if (mode.equals("APP")) {
			String appId = target.appId();
			String installationId = target.installationId();
			if (appId == null || appId.isBlank() || installationId == null || installationId.isBlank()) {
				throw TriggerFailure.permanent("GitHub App auth needs the target's appId and installationId.");
			}
			TokenKey key = new TokenKey(base, appId.strip(), installationId.strip(), fingerprint(credential));
			return new AppAuth(key, credential);
		}
		throw TriggerFailure.permanent("Unknown GitHub auth '" + target.auth() + "': use TOKEN or APP.");
	}

	/** The bearer token a request carries, and what to do when GitHub refuses it. */
	interface Auth {

		/** The token to send; may fetch one. */
		String token();

		boolean app();

		/**
		 * Forgets the token if it is the cached one.
		 * @return whether it was the cached one (so a fresh one may help)
		 */
		boolean dropToken(String token);

	}

	/** Buys an installation token with a signed App JWT. */
	@FunctionalInterface
	interface TokenExchange {

		/**
		 * @param jwt the App's JWT, to be sent as the bearer token and never quoted
		 * @throws TriggerFailure if GitHub does not hand out a token
		 */
		InstallationToken fetch(TokenKey key, String jwt);

	}

	/** The cache key: one installation token per server, App, installation and key. */
	record TokenKey(String base, String appId, String installationId, String keyFingerprint) {
	}

	/**
	 * @param expiresAt {@code null} if GitHub did not say (then the token is used once)
	 */
	record InstallationToken(Secret token, Instant expiresAt) {
	}

	private record TokenAuth(Secret credential) implements Auth {

		@Override
		public String token() {
			return this.credential.reveal().strip();
		}

		@Override
		public boolean app() {
			return false;
		}

		@Override
		public boolean dropToken(String token) {
			return false;
		}

		@Override
		public String toString() {
			return "TokenAuth[hidden]";
		}

	}

	private final class AppAuth implements Auth {

		private final TokenKey key;

		private final Secret privateKey;

		/**
		 * Whether this call fetched its token itself (then a 401 is not cured by fetching
		 * again).
		 */
		private boolean fetched;

		AppAuth(TokenKey key, Secret privateKey) {
			this.key = key;
			this.privateKey = privateKey;
		}

		@Override
		public String token() {
			Map<TokenKey, InstallationToken> cache = GitHubAppAuth.this.installationTokens;
			InstallationToken cached = cache.get(this.key);
			Instant now = GitHubAppAuth.this.clock.instant();
			if (cached != null && now.isBefore(cached.expiresAt().minus(TOKEN_REFRESH_MARGIN))) {
				return cached.token().reveal();
			}
			String jwt = jwt(privateKey(this.privateKey), this.key.appId(), now);
			InstallationToken fresh = GitHubAppAuth.this.exchange.fetch(this.key, jwt);
			this.fetched = true;
			if (fresh.expiresAt() != null) {
				cache.put(this.key, fresh);
			}
			else {
				cache.remove(this.key);
			}
			return fresh.token().reveal();
		}

		@Override
		public boolean app() {
			return true;
		}

		@Override
		public boolean dropToken(String token) {
			InstallationToken cached = GitHubAppAuth.this.installationTokens.get(this.key);
			if (cached != null && cached.token().reveal().equals(token)) {
				GitHubAppAuth.this.installationTokens.remove(this.key, cached);
			}
			boolean cure = !this.fetched;
			this.fetched = false;
			return cure;
		}

		@Override
		public String toString() {
			return "AppAuth[" + this.key + "]";
		}

	}

	/**
	 * An RS256 JWT for the App: {@code iat} a minute back (clock drift), {@code exp} in 9
	 * minutes.
	 */
	static String jwt(PrivateKey key, String appId, Instant now) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issueTime(Date.from(now.minus(JWT_BACKDATE)))
			.expirationTime(Date.from(now.plus(JWT_LIFETIME)))
			// The numeric app id as a number; a client id ("Iv1.…") as a string.
			.claim("iss", issuer(appId))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(),
				claims);
		try {
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException | IllegalArgumentException ex) {
			throw TriggerFailure.permanent("The GitHub App private key cannot sign a JWT ("
					+ ex.getClass().getSimpleName() + "): it must be the App's RSA private key.");
		}
	}

	private static Object issuer(String appId) {
		if (!appId.isEmpty() && appId.length() < 19 && appId.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return Long.parseLong(appId);
		}
		return appId;
	}

	/**
	 * The App's RSA private key from PEM: PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1
	 * ({@code BEGIN RSA PRIVATE KEY}).
	 */
	static PrivateKey privateKey(Secret pem) {
		// An environment variable may hold the PEM with literal "\n" for line breaks.
		String text = pem.reveal().replace("\\n", "\n").replace("\\r", "");
		if (text.contains("BEGIN ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")) {
			throw TriggerFailure.permanent(
					"The GitHub App private key is encrypted: store the key GitHub generated, unencrypted (PKCS#8 or PKCS#1 PEM).");
		}
		if (!text.contains("-----BEGIN RSA PRIVATE KEY-----") && !text.contains("-----BEGIN PRIVATE KEY-----")) {
			throw TriggerFailure.permanent("The GitHub App credential is not a PEM private key "
					+ "(expected -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----).");
		}
		try {
			return JWK.parseFromPEMEncodedObjects(text).toRSAKey().toPrivateKey();
		}
		catch (JOSEException | RuntimeException ex) {
			// Not the parser's message: it may quote the key.
			throw TriggerFailure
				.permanent("The GitHub App private key could not be read (" + ex.getClass().getSimpleName()
						+ "): it must be " + "the RSA key GitHub generated for the App, as PEM.");
		}
	}

	/** Tells keys apart in the token cache without keeping them there. */
	private static String fingerprint(Secret credential) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256")
				.digest(credential.reveal().strip().getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(hash, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return "GitHubAppAuth[" + this.installationTokens.size() + " installation tokens]";
	}

}
