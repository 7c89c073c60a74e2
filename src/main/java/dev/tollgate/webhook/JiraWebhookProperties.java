package dev.tollgate.webhook;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Jira webhook secrets ({@code tollgate.jira.webhook-secrets}, comma-separated): a
 * delivery is accepted if it is signed with any of them. Deliberately without
 * {@code toString} content.
 */
@ConfigurationProperties("tollgate.jira")
record JiraWebhookProperties(@DefaultValue List<String> webhookSecrets) {

	@Override
	public String toString() {
		return "JiraWebhookProperties[webhookSecrets=<" + this.webhookSecrets.size() + " hidden>]";
	}

}
