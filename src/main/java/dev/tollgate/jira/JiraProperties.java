package dev.tollgate.jira;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Jira REST settings ({@code tollgate.jira.*}; the webhook secrets under the same prefix
 * belong to the webhook module).
 *
 * @param baseUrl the site ({@code https://acme.atlassian.net}) or, for scoped tokens,
 * {@code https://api.atlassian.com/ex/jira/{cloudId}}; {@code null} when Jira is not
 * configured
 * @param userEmail the account the API token belongs to
 * @param apiToken the API token; never printed
 * @param connectTimeout for establishing a connection
 * @param readTimeout maximum wait for response data
 */
@Validated
@ConfigurationProperties("tollgate.jira")
record JiraProperties(@Nullable URI baseUrl, @Nullable String userEmail, @Nullable String apiToken,
		@DefaultValue("2s") @NotNull Duration connectTimeout, @DefaultValue("5s") @NotNull Duration readTimeout) {

	@Override
	public String toString() {
		return "JiraProperties[baseUrl=" + this.baseUrl + ", userEmail=" + this.userEmail + ", apiToken="
				+ ((this.apiToken != null) ? "<hidden>" : null) + ", connectTimeout=" + this.connectTimeout
				+ ", readTimeout=" + this.readTimeout + "]";
	}

}
