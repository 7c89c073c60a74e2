package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lints the Dockerfile with dockerfile-utils (scripts/lint-dockerfile.mjs) when `npm ci`
 * has installed it; skipped otherwise. This machine has no Docker engine to build the
 * image, so the linter is what finds a broken instruction before CI's image job does.
 */
class DockerfileLintTests {

	@BeforeAll
	static void linterInstalled() {
		NodeScript.assumeInstalled("dockerfile-utils");
	}

	@Test
	void dockerfileHasNoFindings() throws Exception {
		NodeScript.Result result = NodeScript.run("scripts/lint-dockerfile.mjs");

		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("1 Dockerfile(s), 0 finding(s)");
	}

	@Test
	void brokenInstructionsAreFindings(@TempDir Path tmp) throws Exception {
		Path dockerfile = tmp.resolve("Dockerfile");
		Files.writeString(dockerfile, """
				FROM eclipse-temurin:25-jre
				WORKDIR app
				COPY app.jar
				ENTRYPOINT ['java', '-jar', 'app.jar']
				""");

		NodeScript.Result result = NodeScript.run("scripts/lint-dockerfile.mjs", dockerfile.toString());

		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.output()).contains("Dockerfile:2:", "Dockerfile:3:", "Dockerfile:4:");
	}

}
