package dev.tollgate.identity;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Identity look-up settings ({@code tollgate.identity.*}).
 *
 * @param cacheTtl how long Jira's answers about groups and project roles are reused; a
 * change in Jira takes effect after at most this long
 */
@Validated
@ConfigurationProperties("tollgate.identity")
record IdentityProperties(@DefaultValue("5m") @NotNull Duration cacheTtl) {
}
