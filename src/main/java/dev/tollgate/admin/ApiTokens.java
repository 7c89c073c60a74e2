package dev.tollgate.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.policy.PolicyProblems;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * API tokens. A token is 32 random bytes, shown once; only its SHA-256 hash is stored, so
 * a database dump reveals no usable token. Look-ups are by hash (an index probe, not a
 * comparison loop), and the bootstrap token is compared in constant time.
 */
@Service
public class ApiTokens {

	private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);

	static final String BOOTSTRAP_NAME = "bootstrap";

	private static final String PREFIX = "tg_";

	private final SecureRandom random = new SecureRandom();

	private final JdbcClient jdbc;

	private final AuditLog audit;

	private final byte[] bootstrapHash;

	ApiTokens(JdbcClient jdbc, AuditLog audit, AdminProperties properties) {
		this.jdbc = jdbc;
		this.audit = audit;
		String bootstrap = properties.bootstrapToken();
		this.bootstrapHash = (bootstrap == null || bootstrap.isBlank()) ? null : sha256(bootstrap.strip());
	}

	/**
	 * Says at start when nobody can administer this instance: no bootstrap token and no
	 * admin token that is still valid. Without it a fresh install answers every admin
	 * call with 401 and the log gives no hint why.
	 */
	@EventListener(ApplicationReadyEvent.class)
	void warnWhenNoAdminTokenIsConfigured() {
		if (this.bootstrapHash != null) {
			return;
		}
		long admins = this.jdbc.sql("""
				SELECT count(*) FROM tollgate.api_token
				WHERE 'admin' = ANY (scopes) AND (expires_at IS NULL OR expires_at > now())
				""").query(Long.class).single();
		if (admins == 0) {
			log.warn("No admin token is configured (tollgate.admin.bootstrap-token / TOLLGATE_ADMIN_BOOTSTRAP_TOKEN) "
					+ "and no API token with scope admin exists: the admin API and the console answer 401 until one is "
					+ "set");
		}
	}

	/** A token as listed: never the token itself. */
	public record TokenView(long id, String name, List<String> scopes, String accountId, Instant expiresAt,
			Instant createdAt) {
	}

	public record Created(long id, String token) {
	}

	/**
	 * The caller a raw bearer token stands for, if it is valid and not expired. Also the
	 * console's token sign-in.
	 */
	public Optional<TokenPrincipal> authenticate(String raw) {
		if (raw == null || raw.isBlank() || raw.length() > 200) {
			return Optional.empty();
		}
		byte[] hash = sha256(raw.strip());
		if (this.bootstrapHash != null && MessageDigest.isEqual(hash, this.bootstrapHash)) {
			return Optional.of(new TokenPrincipal(null, BOOTSTRAP_NAME, Set.of(TokenPrincipal.Scope.ADMIN), null));
		}
		return this.jdbc.sql("""
				SELECT id, name, scopes, account_id FROM tollgate.api_token
				WHERE token_hash = :hash AND (expires_at IS NULL OR expires_at > now())
				""")
			.param("hash", HexFormat.of().formatHex(hash))
			.query((rs, n) -> new TokenPrincipal(rs.getLong("id"), rs.getString("name"),
					Arrays.stream((String[]) rs.getArray("scopes").getArray())
						.map(TokenPrincipal.Scope::parse)
						.collect(Collectors.toUnmodifiableSet()),
					rs.getString("account_id")))
			.optional();
	}

	/**
	 * Whether the token a console session was signed in with still counts: not deleted,
	 * not expired; the bootstrap token ({@code id} {@code null}) while one is configured.
	 * A session never outlives its token.
	 */
	public boolean active(Long id) {
		if (id == null) {
			return this.bootstrapHash != null;
		}
		return this.jdbc.sql(
				"SELECT count(*) FROM tollgate.api_token WHERE id = :id AND (expires_at IS NULL OR expires_at > now())")
			.param("id", id)
			.query(Long.class)
			.single() > 0;
	}

	@Transactional
	public Created create(String name, List<String> scopes, String accountId, Instant expiresAt, String createdBy) {
		if (reserved(name)) {
			throw new PolicyProblems.Rejected(List.of(new PolicyProblems.FieldProblem("name",
					"'" + BOOTSTRAP_NAME + "' is reserved for the bootstrap token (in any case or spacing).")));
		}
		Set<String> normalised = new LinkedHashSet<>();
		scopes.forEach(
				(scope) -> normalised.add(TokenPrincipal.Scope.parse(scope).name().toLowerCase(java.util.Locale.ROOT)));
		byte[] secret = new byte[32];
		this.random.nextBytes(secret);
		String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
		long id;
		try {
			id = this.jdbc.sql("""
					INSERT INTO tollgate.api_token (name, token_hash, scopes, account_id, expires_at)
					VALUES (:name, :hash, :scopes, :accountId, :expiresAt) RETURNING id
					""")
				.param("name", name.strip())
				.param("hash", HexFormat.of().formatHex(sha256(token)))
				.param("scopes", normalised.toArray(String[]::new))
				.param("accountId", accountId)
				.param("expiresAt", (expiresAt != null) ? Timestamp.from(expiresAt) : null, java.sql.Types.TIMESTAMP)
				.query(Long.class)
				.single();
		}
		catch (DuplicateKeyException ex) {
			throw new PolicyProblems.Conflict("A token named '" + name + "' already exists.");
		}
		this.audit.append(
				AuditEvent
					.of(AuditEventType.POLICY_CHANGED,
							"Token '" + createdBy + "' created API token '" + name + "' with scopes " + normalised
									+ ".")
					.outcome("CREATE")
					.details(Map.of("changedBy", createdBy, "resource", "token", "name", name, "action", "CREATE",
							"after",
							Map.of("id", id, "scopes", List.copyOf(normalised), "accountId", String.valueOf(accountId),
									"expiresAt", String.valueOf(expiresAt))))
					.build());
		return new Created(id, token);
	}

	/**
	 * The bootstrap token's name, and anything that reads as it once case and whitespace
	 * are ignored: an audit reader must never mistake an API token for the bootstrap
	 * token.
	 */
	static boolean reserved(String name) {
		return name != null && name.replaceAll("[\\s\\p{Z}\\p{Cf}]", "").equalsIgnoreCase(BOOTSTRAP_NAME);
	}

	public List<TokenView> list() {
		return this.jdbc
			.sql("SELECT id, name, scopes, account_id, expires_at, created_at FROM tollgate.api_token ORDER BY id")
			.query((rs, n) -> new TokenView(rs.getLong("id"), rs.getString("name"),
					List.of((String[]) rs.getArray("scopes").getArray()), rs.getString("account_id"),
					(rs.getTimestamp("expires_at") != null) ? rs.getTimestamp("expires_at").toInstant() : null,
					rs.getTimestamp("created_at").toInstant()))
			.list();
	}

	@Transactional
	public void delete(long id, String deletedBy) {
		String name = this.jdbc.sql("DELETE FROM tollgate.api_token WHERE id = :id RETURNING name")
			.param("id", id)
			.query(String.class)
			.optional()
			.orElseThrow(() -> new PolicyProblems.NotFound("No API token with id " + id + "."));
		this.audit.append(AuditEvent
			.of(AuditEventType.POLICY_CHANGED, "Token '" + deletedBy + "' deleted API token '" + name + "'.")
			.outcome("DELETE")
			.details(Map.of("changedBy", deletedBy, "resource", "token", "name", name, "action", "DELETE"))
			.build());
	}

	private static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
