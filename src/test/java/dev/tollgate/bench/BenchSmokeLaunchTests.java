package dev.tollgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tollgate.support.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs after {@code package}: a smoke run of the benchmark harness ({@code bench/run.sh}
 * with {@code SMOKE=1}: no ceiling, no end-to-end ramp, no start-up variants; one-second
 * scenarios) on the jar just built, so the harness keeps working as Tollgate changes. It
 * checks that the run exits 0 (the exactness check passed) and that the results JSON has
 * its fields. No figure is asserted: timings on a CI machine mean nothing.
 * <p>
 * Needs what the harness needs: bash, curl, jq, python3, psql, wrk (the harness installs
 * Debian's package when it runs as root and it is missing) and a PostgreSQL on
 * {@code PGHOST:PGPORT} (default 127.0.0.1:5432, user postgres) that may create
 * databases. Without them the test is skipped. The bench jars are built with
 * {@code ./mvnw -f bench/pom.xml}; output goes to {@code target/bench-smoke}, never to
 * {@code bench/results}.
 */
class BenchSmokeLaunchTests {

	private static final Path RESULTS = Path.of("target", "bench-smoke");

	@Test
	void theHarnessRunsAndTheExactnessCheckPasses() throws Exception {
		Path jar = Path.of(System.getProperty("tollgate.jar", "target/tollgate.jar")).toAbsolutePath();
		assertThat(jar).exists();
		for (String tool : List.of("bash", "curl", "jq", "python3", "psql")) {
			assumeTrue(succeeds(List.of("bash", "-c", "command -v " + tool)), tool + " is not installed");
		}
		// The harness's own database server: the one the other tests use (127.0.0.1:5432
		// or embedded).
		TestDatabase.Connection server = TestDatabase.get();
		assumeTrue(
				succeeds(List.of("psql", "-X", "-q", "-h", server.host(), "-p", String.valueOf(server.port()), "-U",
						server.username(), "-d", "postgres", "-c", "SELECT 1")),
				"no PostgreSQL reachable for the harness (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres)");

		deleteRecursively(RESULTS);
		Files.createDirectories(RESULTS);
		Set<String> benchResultsBefore = list(Path.of("bench", "results"));
		Path log = RESULTS.resolve("run.log");
		ProcessBuilder builder = new ProcessBuilder(List.of("bash", "bench/run.sh")).redirectErrorStream(true)
			.redirectOutput(log.toFile());
		Map<String, String> env = builder.environment();
		env.put("PGHOST", server.host());
		env.put("PGPORT", String.valueOf(server.port()));
		env.put("PGUSER", server.username());
		env.put("SMOKE", "1");
		env.put("APP_JAR", jar.toString());
		env.put("DURATION", "1");
		env.put("WARMUP", "1");
		env.put("OPEN_RATE", "50");
		env.put("E2E_RATE", "50");
		env.put("DRAIN_TIMEOUT", "60");
		env.put("RESULTS_DIR", RESULTS.toAbsolutePath().toString());
		env.put("WORK_DIR", RESULTS.resolve("work").toAbsolutePath().toString());
		Process process = builder.start();
		try {
			// A bound against a hang, not a timing assertion.
			boolean finished = process.waitFor(300, TimeUnit.SECONDS);
			String output = Files.readString(log, StandardCharsets.UTF_8);
			assertThat(finished).as(output).isTrue();
			assertThat(process.exitValue()).as(output).isZero();

			List<Path> results;
			try (Stream<Path> files = Files.list(RESULTS)) {
				results = files.filter((p) -> p.toString().endsWith(".json")).toList();
			}
			assertThat(results).as(output).hasSize(1);
			assertThat(Path.of(results.get(0).toString().replace(".json", ".md"))).exists();
			JsonNode json = JsonMapper.builder().build().readTree(results.get(0).toFile());

			assertThat(json.path("smoke").asBoolean()).isTrue();
			assertThat(json.path("exactness").path("verdict").asString()).isEqualTo("PASS");
			assertThat(json.path("exactness").path("pass").asBoolean()).isTrue();
			assertThat(json.path("exactness").path("ci_decision_ids_twice").asLong(-1)).isZero();
			assertThat(json.path("startup_ready_ms").asLong()).isPositive();
			// 16 and 64 connections, the open loop, and transitions no rule matches.
			assertThat(json.path("scenarios").size()).isEqualTo(4);
			for (JsonNode scenario : json.path("scenarios")) {
				assertThat(scenario.path("acked_2xx").asLong()).as(scenario.toString()).isPositive();
				assertThat(scenario.path("latency_ms").has("p99")).isTrue();
				assertThat(scenario.path("cpu_s").path("tollgate").isNumber()).as(scenario.toString()).isTrue();
				assertThat(scenario.path("cpu_s").path("generator").isNumber()).as(scenario.toString()).isTrue();
			}
			// The closed loop is wrk's, from deliveries prepared beforehand; none ran
			// out.
			JsonNode closed = json.path("scenarios").get(1);
			assertThat(closed.path("generator").asString()).isEqualTo("wrk");
			assertThat(closed.path("exhausted").asBoolean(true)).isFalse();
			if ("own".equals(json.path("machine").path("postgresql_cluster").asString())) {
				// The harness's own cluster: statements per webhook from
				// pg_stat_statements.
				assertThat(json.path("end_to_end").path("db").path("statements_per_2xx").asDouble()).isPositive();
				assertThat(closed.path("cpu_s").path("postgresql").asDouble()).isPositive();
			}
			JsonNode e2e = json.path("end_to_end").path("latency");
			assertThat(e2e.path("join").path("triggered").asLong()).isPositive();
			assertThat(e2e.path("join").path("acked_not_triggered").asLong(-1)).isZero();
			assertThat(e2e.path("webhook_to_trigger_ms").path("p99").isNumber()).as(e2e.toString()).isTrue();
			JsonNode resources = json.path("resources");
			assertThat(resources.path("peak_rss_mb").asDouble()).isPositive();
			assertThat(resources.path("heap_after_gc_mb").isNumber()).as(resources.toString()).isTrue();
			assertThat(resources.path("cpu_us_per_ack_closed_loop").isNumber()).as(resources.toString()).isTrue();

			assertThat(list(Path.of("bench", "results"))).isEqualTo(benchResultsBefore);
		}
		finally {
			// run.sh stops what it started and drops its databases on exit, also on
			// SIGTERM.
			if (process.isAlive()) {
				process.destroy();
				if (!process.waitFor(60, TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
		}
	}

	private static boolean succeeds(List<String> command) {
		try {
			Process p = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!p.waitFor(20, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				return false;
			}
			return p.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static Set<String> list(Path dir) throws IOException {
		if (!Files.isDirectory(dir)) {
			return Set.of();
		}
		try (Stream<Path> files = Files.list(dir)) {
			return files.map((p) -> p.getFileName().toString()).collect(Collectors.toSet());
		}
	}

	private static void deleteRecursively(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
				Files.delete(p);
			}
		}
	}

}
