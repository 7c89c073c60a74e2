package dev.tollgate.webhook;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Jira webhook secrets ({@code tollgate.jira.webhook-secrets}, comma-separated): a
 * delivery is accepted if it is signed with any of them. Deliberately without
 * {@code toString} content.
 *
 * @param maxDeliveryAge a transition whose {@code timestamp} is older is answered
 * {@code IGNORED} and audited, not decided (a replayed old delivery). Jira retries for
 * about 30 minutes and may be down for longer, hence a day by default.
 */
@ConfigurationProperties("tollgate.jira")
record JiraWebhookProperties(@DefaultValue List<String> webhookSecrets, @DefaultValue("24h") Duration maxDeliveryAge) {

	@Override
	public String toString() {
		return "JiraWebhookProperties[webhookSecrets=<" + this.webhookSecrets.size() + " hidden>]";
	}

}
