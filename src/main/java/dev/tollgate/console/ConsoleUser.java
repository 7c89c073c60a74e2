package dev.tollgate.console;

import java.io.Serial;
import java.io.Serializable;
import java.security.Principal;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The person signed in to the console, as the pages need it. Kept in the session
 * (serialised into PostgreSQL), hence {@link Serializable} and small.
 *
 * @param name shown in the header and recorded as who retried a job
 * @param scopes {@code admin}, {@code auditor}, {@code approver}, as in the admin API
 * @param accountId the Jira account id this person votes as; {@code null}: cannot vote
 * @param tokenId the API token signed in with ({@code null} for the bootstrap token or an
 * OpenID Connect sign-in)
 * @param via how this person signed in
 */
public record ConsoleUser(String name, Set<String> scopes, String accountId, Long tokenId,
		Via via) implements Serializable, Principal {

	@Serial
	private static final long serialVersionUID = 1L;

	static final String ADMIN = "admin";

	static final String AUDITOR = "auditor";

	static final String APPROVER = "approver";

	public enum Via {

		TOKEN, OIDC

	}

	public ConsoleUser {
		scopes = Set.copyOf(new TreeSet<>(scopes));
		// The session table keeps the principal's name in 100 characters.
		name = (name.length() <= 100) ? name : name.substring(0, 100);
	}

	@Override
	public String getName() {
		return this.name;
	}

	static String authority(String scope) {
		return "SCOPE_" + scope.toLowerCase(Locale.ROOT);
	}

	public List<GrantedAuthority> authorities() {
		return this.scopes.stream()
			.sorted()
			.map((scope) -> (GrantedAuthority) new SimpleGrantedAuthority(authority(scope)))
			.toList();
	}

	public boolean has(String scope) {
		return this.scopes.contains(scope);
	}

	public boolean canVote() {
		return has(APPROVER) && this.accountId != null;
	}

	public boolean canRead() {
		return has(ADMIN) || has(AUDITOR);
	}

	/** The signed-in person behind an authentication of either kind. */
	static ConsoleUser of(Authentication authentication) {
		if (authentication == null) {
			return null;
		}
		Object principal = authentication.getPrincipal();
		if (principal instanceof ConsoleUser user) {
			return user;
		}
		if (principal instanceof ConsoleOidcUsers.SignedIn oidc) {
			return oidc.console();
		}
		return null;
	}

}
