package dev.tollgate.gate;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code tollgate.gates.*}.
 *
 * @param pollInterval how often GitLab is asked for deployments blocked in a gated
 * environment, because a deployment webhook can be lost; must be positive
 */
@Validated
@ConfigurationProperties("tollgate.gates")
record GateProperties(@DefaultValue("30s") @NotNull Duration pollInterval) {

	GateProperties {
		if (pollInterval.isNegative() || pollInterval.isZero()) {
			throw new IllegalArgumentException("tollgate.gates.poll-interval must be positive");
		}
	}

}
