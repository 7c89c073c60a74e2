package dev.tollgate.devmode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tollgate.admin.ApiTokens;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Approver tokens for two of the demo's release managers, so a newcomer can approve the
 * demo's gated move in the console as two different people. Tokens are stored hashed and
 * cannot be shown again, so each dev-mode start replaces them with fresh ones and the
 * banner prints those.
 */
@Component
@Profile("dev")
class DemoApprovers {

	static final List<String> ACCOUNTS = List.of("demo-bob", "demo-carol");

	private final ApiTokens tokens;

	DemoApprovers(ApiTokens tokens) {
		this.tokens = tokens;
	}

	/** Account id to a fresh approver token voting as it. */
	Map<String, String> issue() {
		Map<String, String> issued = new LinkedHashMap<>();
		for (String account : ACCOUNTS) {
			String name = account + "-approver";
			this.tokens.list()
				.stream()
				.filter((token) -> token.name().equals(name))
				.forEach((token) -> this.tokens.delete(token.id(), "dev mode"));
			issued.put(account, this.tokens.create(name, List.of("approver"), account, null, "dev mode").token());
		}
		return issued;
	}

}
