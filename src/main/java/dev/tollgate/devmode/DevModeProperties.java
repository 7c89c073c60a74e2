package dev.tollgate.devmode;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Dev mode's settings ({@code tollgate.dev.*}), read only with profile {@code dev}.
 *
 * @param dataDirectory where the embedded PostgreSQL keeps its data between runs (default
 * {@code target/tollgate-dev/postgres}, relative to the working directory)
 */
@ConfigurationProperties("tollgate.dev")
public record DevModeProperties(Path dataDirectory) {

	public DevModeProperties {
		dataDirectory = (dataDirectory != null) ? dataDirectory : Path.of("target", "tollgate-dev", "postgres");
	}

}
