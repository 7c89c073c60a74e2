package dev.tollgate;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no database the process exits non-zero within 30 s, and its last lines name the
 * URL and the fix. Runs the application as a separate JVM, exactly as a user would.
 */
class StartupWithoutDatabaseTests {

	@Test
	void exitsQuicklyAndSaysWhatToDo() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/tollgate";
		Path output = Files.createTempFile("tollgate-startup", ".log");
		ProcessBuilder builder = new ProcessBuilder(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
						System.getProperty("java.class.path"), TollgateApplication.class.getName(), "--server.port=0"));
		builder.environment().put("SPRING_DATASOURCE_URL", url + "?password=hunter2");
		builder.redirectErrorStream(true).redirectOutput(output.toFile());
		Process process = builder.start();
		try {
			boolean exited = process.waitFor(30, TimeUnit.SECONDS);
			assertThat(exited).as("exited within 30 s").isTrue();
			assertThat(process.exitValue()).isNotZero();
			String log = Files.readString(output, StandardCharsets.UTF_8);
			String tail = log.substring(Math.max(0, log.length() - 1500));
			assertThat(tail).contains(url)
				.contains("SPRING_DATASOURCE_URL")
				.contains("docker compose up -d postgres")
				.doesNotContain("hunter2");
		}
		finally {
			process.destroyForcibly();
			Files.deleteIfExists(output);
		}
	}

}
