package dev.tollgate.gate;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tollgate.gates.*}.
 *
 * @param pollInterval how often GitLab is asked for deployments blocked in a gated
 * environment, because a deployment webhook can be lost
 */
@ConfigurationProperties("tollgate.gates")
record GateProperties(@DefaultValue("30s") Duration pollInterval) {
}
