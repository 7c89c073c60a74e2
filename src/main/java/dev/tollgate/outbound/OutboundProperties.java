package dev.tollgate.outbound;

import java.util.List;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Outbound call policy ({@code tollgate.outbound.*}).
 *
 * @param allowHttp whether plain http is allowed besides https (labs, local stubs)
 * @param allowLoopback whether loopback addresses may be connected to
 * @param allowedHosts when not empty, the only hosts called: exact names or
 * {@code *.suffix}, case-insensitive
 */
@Validated
@ConfigurationProperties("tollgate.outbound")
record OutboundProperties(@DefaultValue("false") boolean allowHttp, @DefaultValue("false") boolean allowLoopback,
		@DefaultValue @NotNull List<String> allowedHosts) {
}
