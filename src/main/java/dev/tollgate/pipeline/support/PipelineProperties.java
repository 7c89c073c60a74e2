package dev.tollgate.pipeline.support;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Calls to CI systems ({@code tollgate.pipeline.*}).
 *
 * @param connectTimeout per call
 * @param readTimeout per call; kept well below the job lease
 * @param breakerFailures consecutive failed attempts on one target that open its circuit
 * @param breakerOpenFor how long an open circuit defers that target's jobs before one
 * probe
 */
@Validated
@ConfigurationProperties("tollgate.pipeline")
public record PipelineProperties(@DefaultValue("5s") @NotNull Duration connectTimeout,
		@DefaultValue("30s") @NotNull Duration readTimeout, @DefaultValue("5") @Min(1) int breakerFailures,
		@DefaultValue("30s") @NotNull Duration breakerOpenFor) {
}
