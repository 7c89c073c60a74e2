package dev.tollgate.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long a client may take to send what it owes ({@code tollgate.server.*}).
 *
 * @param headerTimeout the time a connection may take, in all, to send a request's line
 * and headers once its first byte arrived; a slower one is closed. Tomcat's own
 * {@code server.tomcat.connection-timeout} only bounds each gap between two reads, so a
 * client trickling a byte every few seconds would otherwise hold its connection (one of
 * {@code server.tomcat.max-connections}) for as long as it likes
 */
@Validated
@ConfigurationProperties("tollgate.server")
record SlowClientProperties(@DefaultValue("10s") @NotNull Duration headerTimeout) {

	SlowClientProperties {
		if (headerTimeout.isNegative() || headerTimeout.isZero()) {
			throw new IllegalArgumentException("tollgate.server.header-timeout must be positive");
		}
	}

}
