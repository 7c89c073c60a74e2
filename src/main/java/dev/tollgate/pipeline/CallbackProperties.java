package dev.tollgate.pipeline;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Secrets of the CI status callbacks, each a list so it can be rotated without downtime.
 */
final class CallbackProperties {

	private CallbackProperties() {
	}

	/**
	 * {@code tollgate.github.webhook-secrets}: HMAC secrets of
	 * {@code X-Hub-Signature-256}.
	 */
	@ConfigurationProperties("tollgate.github")
	record GitHub(@DefaultValue List<String> webhookSecrets) {

		@Override
		public String toString() {
			return "GitHub[webhookSecrets=<hidden>]";
		}

	}

	/**
	 * {@code tollgate.gitlab.webhook-tokens}: the values GitLab sends as
	 * {@code X-Gitlab-Token}.
	 */
	@ConfigurationProperties("tollgate.gitlab")
	record GitLab(@DefaultValue List<String> webhookTokens) {

		@Override
		public String toString() {
			return "GitLab[webhookTokens=<hidden>]";
		}

	}

	/** {@code tollgate.jenkins.webhook-secrets}: HMAC secrets, or tokens sent as-is. */
	@ConfigurationProperties("tollgate.jenkins")
	record Jenkins(@DefaultValue List<String> webhookSecrets) {

		@Override
		public String toString() {
			return "Jenkins[webhookSecrets=<hidden>]";
		}

	}

}
