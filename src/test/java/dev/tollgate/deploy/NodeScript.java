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

/**
 * Runs one of the build's Node.js checks in {@code scripts/} from the project root. The
 * npm packages come from {@code npm ci}, which CI runs and an offline build may not have:
 * a test that needs them is skipped, not failed, without them.
 */
final class NodeScript {

	static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

	private NodeScript() {
	}

	static void assumeInstalled(String npmPackage) {
		assumeTrue(Files.isRegularFile(ROOT.resolve("node_modules").resolve(npmPackage).resolve("package.json")),
				npmPackage + " not installed: run npm ci");
	}

	static Result run(String script, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("node", script));
		command.addAll(List.of(arguments));
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

	record Result(int exitCode, String output) {
	}

}
