package dev.tollgate.devmode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.tollgate.TollgateApplication;
import dev.tollgate.policy.PolicyDocument;
import dev.tollgate.policy.PolicyStore;
import dev.tollgate.policy.RoleView;
import dev.tollgate.policy.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Dev mode as {@code ./mvnw spring-boot:run} starts it: profile {@code dev} and no
 * datasource URL. Tollgate starts its own PostgreSQL, becomes ready, seeds the demo
 * policy, stops the server with the context, and on a second start finds its data again
 * without seeding a second time.
 */
@ExtendWith(OutputCaptureExtension.class)
class DevModeLaunchTests {

	@TempDir
	Path directory;

	@Test
	void startsItsOwnDatabaseSeedsTheDemoOnceAndKeepsTheDataAcrossRestarts(CapturedOutput output) throws Exception {
		assumeTrue(System.getenv("SPRING_DATASOURCE_URL") == null,
				"SPRING_DATASOURCE_URL is set: dev mode would use it");
		// Run as root, the server runs as nobody, who must be able to reach its data
		// directory.
		Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString("rwxr-xr-x"));
		Path data = this.directory.resolve("postgres");
		String firstUrl;
		long seeded;
		try (ConfigurableApplicationContext first = start(data)) {
			firstUrl = first.getEnvironment().getProperty("spring.datasource.url");
			assertThat(firstUrl).startsWith("jdbc:postgresql://127.0.0.1:")
				.doesNotContain(":5432/")
				.endsWith("/tollgate");
			assertThat(data.resolve("PG_VERSION")).exists();
			assertThat(readiness(first)).isEqualTo(200);
			PolicyDocument policy = first.getBean(PolicyStore.class).export();
			assertThat(policy.roles()).extracting(RoleView::name)
				.containsExactlyInAnyOrder("developer", "release-manager");
			assertThat(policy.targets()).extracting(Target::name, Target::kind)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("demo-noop", Target.Kind.NOOP));
			assertThat(policy.bindings()).hasSize(4);
			assertThat(policy.rules()).filteredOn((rule) -> rule.approval() != null)
				.singleElement()
				.satisfies((rule) -> assertThat(rule.approval().required()).isEqualTo(2));
			assertThat(demoScript(first)).contains("audit: ALLOWED - demo-alice holds role developer")
				.contains("audit: DENIED - demo-mallory lacks role developer")
				.contains("audit: PENDING_APPROVAL - demo-alice holds role developer");
			approveAsThePrintedApprovers(first, output.getOut());
			String example = workedExample(first);
			assertThat(example).contains("\"status\":\"QUEUED\"")
				.contains("\"status\":\"DUPLICATE\"")
				.contains("README-DECISION ")
				.contains("demo-alice holds role developer")
				.contains("holds role ops-shipper required by rule 'prod deploy' for OPS")
				.doesNotContain("\"status\":409");
			seeded = seeds(first);
			assertThat(seeded).as("policy changes audited as made by dev mode").isPositive();
		}
		// Closing the application stopped its server.
		assertThatThrownBy(() -> DriverManager.getConnection(firstUrl, "postgres", "").close())
			.isInstanceOf(SQLException.class);
		try (ConfigurableApplicationContext second = start(data)) {
			assertThat(readiness(second)).isEqualTo(200);
			assertThat(seeds(second)).as("the demo is seeded once, not on every start").isEqualTo(seeded);
			// The demo's two rules, and the worked example's one, kept across the
			// restart.
			assertThat(second.getBean(PolicyStore.class).export().rules()).hasSize(3);
		}
	}

	private static ConfigurableApplicationContext start(Path data) {
		return new SpringApplicationBuilder(TollgateApplication.class).profiles("dev")
			.run("--server.port=0", "--tollgate.dev.data-directory=" + data);
	}

	/** The README's demo, {@code scripts/demo-webhook.sh}, against this instance. */
	private static String demoScript(ConfigurableApplicationContext context) throws Exception {
		Process process = new ProcessBuilder("bash", "scripts/demo-webhook.sh",
				"http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"))
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

	/**
	 * What a newcomer does next: the banner names the console and two approver tokens;
	 * voting with both on the demo's gated transition starts its pipeline.
	 */
	private static void approveAsThePrintedApprovers(ConfigurableApplicationContext context, String banner)
			throws Exception {
		String base = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
		assertThat(banner).contains("Console     " + base + "/console").contains("Admin token dev-admin");
		java.util.regex.Matcher printed = java.util.regex.Pattern.compile("Approver {4}(\\S+) {3}\\(votes as (\\S+),")
			.matcher(banner);
		java.util.List<String> tokens = new java.util.ArrayList<>();
		while (printed.find()) {
			tokens.add(printed.group(1));
		}
		assertThat(tokens).as(banner).hasSize(2);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		long request = jdbc.queryForObject(
				"SELECT id FROM tollgate.approval_request WHERE issue_key = 'DEMO-3' AND status = 'PENDING'",
				Long.class);
		for (String token : tokens) {
			HttpResponse<String> vote = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/approvals/" + request + "/approve"))
					.header("Authorization", "Bearer " + token)
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{}"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(vote.statusCode()).as(vote.body()).isEqualTo(202);
		}
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(30))
			.until(() -> jdbc.queryForObject(
					"SELECT count(*) FROM tollgate.audit_event WHERE issue_key = 'DEMO-3' AND type = 'TRIGGER_SUCCEEDED'",
					Long.class) > 0);
		long triggered = jdbc.queryForObject(
				"SELECT count(*) FROM tollgate.audit_event WHERE issue_key = 'DEMO-3' AND type = 'TRIGGER_SUCCEEDED'",
				Long.class);
		assertThat(triggered).as("the granted demo transition started its pipeline").isEqualTo(1);
	}

	/**
	 * The README's raw webhook (sent, then its curl again), then docs/policy.md's policy
	 * in five calls and its step 5, read top to bottom after the quick start, as a reader
	 * would paste them. Only the port is changed, and the audit reads are repeated until
	 * the asynchronous decision is there.
	 */
	private static String workedExample(ConfigurableApplicationContext context) throws Exception {
		String port = context.getEnvironment().getProperty("local.server.port");
		String readme = Files.readString(Path.of("README.md"));
		String policy = Files.readString(Path.of("docs/policy.md"));
		List<String> raw = bashBlocks(readme, "### The raw webhook");
		String send = raw.get(0);
		String curlAgain = send.substring(send.indexOf("curl -i"));
		String readDecision = raw.get(1);
		String fiveCalls = bashBlocks(policy, "## A policy in five calls").get(0);
		String stepFive = bashBlocks(policy, "## A policy in five calls").get(1).lines().findFirst().orElseThrow();
		String opsSend = send.replaceFirst("SECRET=dev-webhook-secret PROJECT=DEMO ACTOR=demo-alice",
				"SECRET=dev-webhook-secret PROJECT=OPS ACTOR=5b10ac8d82e05b22cc7d4ef5");
		String script = String
			.join("\n", "set -u", send, curlAgain, "echo", until("README-DECISION", readDecision), fiveCalls, "echo",
					opsSend, "echo", until("POLICY-DECISION", stepFive))
			.replace("http://localhost:8080", "http://127.0.0.1:" + port)
			.replace("localhost:8080", "127.0.0.1:" + port);
		Process process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

	/** Repeats an audit read until it lists an event, then prints it after a label. */
	private static String until(String label, String command) {
		return "for i in $(seq 1 50); do out=$(" + command
				+ "); case $out in *'\"items\":[{'*) break;; esac; sleep 0.2; done; " + "echo \"" + label + " $out\"";
	}

	/** The bash blocks of the section that starts with {@code heading}, in order. */
	private static List<String> bashBlocks(String markdown, String heading) {
		int start = markdown.indexOf("\n" + heading + "\n");
		assertThat(start).as(heading).isNotNegative();
		String section = markdown.substring(start + heading.length() + 2);
		java.util.regex.Matcher next = java.util.regex.Pattern.compile("\n#{2,3} ").matcher(section);
		if (next.find()) {
			section = section.substring(0, next.start());
		}
		List<String> blocks = new java.util.ArrayList<>();
		java.util.regex.Matcher block = java.util.regex.Pattern
			.compile("```bash\n(.*?)```", java.util.regex.Pattern.DOTALL)
			.matcher(section);
		while (block.find()) {
			blocks.add(block.group(1));
		}
		return blocks;
	}

	private static long seeds(ConfigurableApplicationContext context) {
		return context.getBean(JdbcTemplate.class)
			.queryForObject("SELECT count(*) FROM tollgate.audit_event WHERE type = 'POLICY_CHANGED' AND reason LIKE ?",
					Long.class, "Token '" + DemoPolicy.CHANGED_BY + "'%");
	}

	private static int readiness(ConfigurableApplicationContext context) throws Exception {
		String port = context.getEnvironment()
			.getProperty("local.management.port", context.getEnvironment().getProperty("local.server.port"));
		HttpResponse<Void> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
					HttpResponse.BodyHandlers.discarding());
		return response.statusCode();
	}

}
