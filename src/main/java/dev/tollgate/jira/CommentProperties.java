package dev.tollgate.jira;

import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Comments on Jira issues ({@code tollgate.comments.*}).
 *
 * @param enabled the global switch (rules also have their own {@code comment} flag)
 * @param dryRun whether decisions of {@code DRY_RUN} rules comment too
 * @param visibility optional restriction, {@code role:Developers} or
 * {@code group:release-team}
 */
@Validated
@ConfigurationProperties("tollgate.comments")
public record CommentProperties(@DefaultValue("true") boolean enabled, @DefaultValue("false") boolean dryRun,
		@Pattern(regexp = "^((role|group):.+)?$", message = "must be role:NAME or group:NAME") String visibility) {
}
