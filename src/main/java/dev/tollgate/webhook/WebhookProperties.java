package dev.tollgate.webhook;

import java.util.List;

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
 * @param rejectedAuditPerMinute cap on audit records for bad signatures, per replica, so
 * that unauthenticated traffic cannot flood the audit log
 * @param allowedCidrs when not empty, Jira deliveries are accepted only from these
 * networks (others get 403 before their body is read); Atlassian publishes its egress
 * ranges
 * @param trustedProxies peers whose {@code X-Forwarded-For} is believed (the load
 * balancer or ingress in front of Tollgate); from anyone else the header is ignored
 * @param rejectedSignatureLimitPerMinute bad signatures one source may send in a minute
 * before its deliveries get 429 for the rest of that minute; 0 turns the limit off
 */
@Validated
@ConfigurationProperties("tollgate.webhook")
record WebhookProperties(@DefaultValue("1MB") @NotNull DataSize maxBodySize,
		@DefaultValue("60") @Min(0) int rejectedAuditPerMinute, @DefaultValue @NotNull List<Cidr> allowedCidrs,
		@DefaultValue @NotNull List<Cidr> trustedProxies,
		@DefaultValue("0") @Min(0) int rejectedSignatureLimitPerMinute) {
}
