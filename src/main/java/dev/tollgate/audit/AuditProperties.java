package dev.tollgate.audit;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Audit log settings ({@code tollgate.audit.*}). The schedules themselves
 * ({@code tollgate.audit.seal-interval}, default 250ms; {@code retention-interval},
 * default 1h; {@code head-log-interval}, default 10m) are read by the {@code @Scheduled}
 * methods.
 *
 * @param retention how long audit events are kept; empty (the default) keeps them
 * forever. Older events are purged oldest first, and only once sealed; the purge leaves a
 * checkpoint and is itself audited ({@code AUDIT_PURGED})
 * @param retentionBatchSize events purged per transaction (each batch leaves one
 * checkpoint and one {@code AUDIT_PURGED} event)
 * @param sealBatchSize events sealed per transaction
 * @param sealGapGrace how long a missing id (a row not yet committed, or rolled back) is
 * waited for before the sealer asks PostgreSQL whether every transaction that could hold
 * it has ended
 * @param sealGapTimeout how long a missing id is waited for at most; after that it is
 * taken as never committed, and the gap is recorded in the chain (a row that still
 * commits later is sealed at the end of the chain, out of id order)
 * @param exportFetchSize rows fetched per round trip while streaming an export or a
 * verification
 */
@Validated
@ConfigurationProperties("tollgate.audit")
public record AuditProperties(Duration retention, @DefaultValue("10000") @Min(1) @Max(1000000) int retentionBatchSize,
		@DefaultValue("1000") @Min(1) @Max(100000) int sealBatchSize,
		@DefaultValue("1s") @NotNull Duration sealGapGrace, @DefaultValue("10s") @NotNull Duration sealGapTimeout,
		@DefaultValue("1000") @Min(10) int exportFetchSize) {

	public AuditProperties {
		if (retention != null && retention.compareTo(Duration.ofMinutes(1)) < 0) {
			throw new IllegalArgumentException(
					"tollgate.audit.retention must be at least a minute (or empty: keep forever)");
		}
	}

	/** The defaults, for code that builds the audit components without Spring (tests). */
	static AuditProperties defaults() {
		return new AuditProperties(null, 10000, 1000, Duration.ofSeconds(1), Duration.ofSeconds(10), 1000);
	}

}
