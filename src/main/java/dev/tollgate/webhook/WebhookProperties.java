package dev.tollgate.webhook;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Inbound webhook limits ({@code tollgate.webhook.*}).
 *
 * @param maxBodySize larger bodies get 413 and are not read past the limit
 * @param rejectedAuditPerMinute cap on audit records for bad signatures, per replica, so that
 * unauthenticated traffic cannot flood the audit log
 */
@Validated
@ConfigurationProperties("tollgate.webhook")
record WebhookProperties(@DefaultValue("1MB") @NotNull DataSize maxBodySize,
		@DefaultValue("60") @Min(0) int rejectedAuditPerMinute) {
}
