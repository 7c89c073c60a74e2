package dev.tollgate.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param bootstrapToken a token with scope {@code admin} from configuration, so that a
 * fresh install can be administered; empty disables it
 */
@ConfigurationProperties("tollgate.admin")
record AdminProperties(String bootstrapToken) {

	@Override
	public String toString() {
		return "AdminProperties[bootstrapToken=<hidden>]";
	}

}
