package dev.tollgate.job;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Job queue settings ({@code tollgate.jobs.*}).
 *
 * @param maxAttempts attempts before a job is {@code DEAD}
 * @param backoffInitial delay after the first failed attempt
 * @param backoffMax upper bound of the exponential backoff
 * @param lease how long a claimed job belongs to its worker; after that another may take
 * it
 * @param concurrency jobs run at once by this replica
 * @param pollInterval how often idle workers look for work committed by other replicas
 * @param retention how long succeeded jobs are kept before they are purged
 * @param enabled whether this replica runs jobs at all (off for migrate-only runs)
 */
@Validated
@ConfigurationProperties("tollgate.jobs")
record JobProperties(@DefaultValue("10") @Min(1) @Max(1000) int maxAttempts,
		@DefaultValue("2s") @NotNull Duration backoffInitial, @DefaultValue("5m") @NotNull Duration backoffMax,
		@DefaultValue("60s") @NotNull Duration lease, @DefaultValue("16") @Min(1) @Max(256) int concurrency,
		@DefaultValue("500ms") @NotNull Duration pollInterval, @DefaultValue("7d") @NotNull Duration retention,
		@DefaultValue("true") boolean enabled) {
}
