package dev.tollgate.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.support.TcpProxy;
import dev.tollgate.support.TestDatabase;

/**
 * Everything a fault scenario runs against: a throwaway database on the local PostgreSQL,
 * a TCP proxy the replicas reach it through (so the database can be cut), loopback
 * stand-ins for Jira and GitHub, and N Tollgate replicas started from the packaged jar.
 * Closing it kills the processes it started and drops the database.
 */
final class Cluster implements AutoCloseable {

	static final String SECRET = "fault-webhook-secret";

	static final String ADMIN_TOKEN = "fault-admin-token";

	static final String TARGET = "ci";

	static final String ROLE = "deployer";

	/** The actor bound by account id; the group-bound actors are {@code acc-grp-<n>}. */
	static final String ACTOR = "5b10ac8d82e05b22cc7d4ef5";

	static final String TO_STATUS = "Ready for Deploy";

	/**
	 * How long a stub holds a call it is told to let time out (the replicas' read
	 * timeouts are 2 s).
	 */
	static final long HANG_MILLIS = 4000;

	/**
	 * The job lease the replicas run with (a killed replica's jobs are claimable after
	 * it).
	 */
	static final Duration LEASE = Duration.ofSeconds(5);

	/** Jobs each replica runs at once. */
	static final int JOB_CONCURRENCY = 4;

	/**
	 * The tests' PostgreSQL server (127.0.0.1:5432, or the embedded one): its maintenance
	 * database.
	 */
	private static final TestDatabase.Connection SERVER = TestDatabase.get().database("postgres");

	private static final String ADMIN_URL = SERVER.url();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	final String database;

	final TcpProxy proxy;

	final FakeCi ci;

	final FakeJira jira;

	final List<Replica> replicas = new ArrayList<>();

	private Cluster(String database, TcpProxy proxy, FakeCi ci, FakeJira jira) {
		this.database = database;
		this.proxy = proxy;
		this.ci = ci;
		this.jira = jira;
	}

	static Cluster create(Path jar, int replicaCount, Path logDir) throws Exception {
		Files.createDirectories(logDir);
		String database = "tollgate_faults_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		execute(ADMIN_URL, "CREATE DATABASE " + database);
		Cluster cluster = null;
		try {
			cluster = new Cluster(database, new TcpProxy(SERVER.host(), SERVER.port()), new FakeCi(HANG_MILLIS),
					new FakeJira(HANG_MILLIS));
			for (int i = 0; i < replicaCount; i++) {
				cluster.replicas.add(new Replica("replica-" + i, jar, logDir, jvmOptions(), cluster.arguments(),
						Map.of("TOLLGATE_JIRA_WEBHOOK_SECRETS", SECRET, "TOLLGATE_ADMIN_BOOTSTRAP_TOKEN", ADMIN_TOKEN,
								"TOLLGATE_JIRA_API_TOKEN", "fault-jira-token", "FAULTS_CI_TOKEN", "fault-ci-token")));
			}
			return cluster;
		}
		catch (Exception | Error ex) {
			if (cluster != null) {
				cluster.close();
			}
			else {
				execute(ADMIN_URL, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
			}
			throw ex;
		}
	}

	private static List<String> jvmOptions() {
		// Small heaps and a quick start: three replicas share two cores with the rest of
		// the build.
		return List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8");
	}

	private List<String> arguments() {
		return List.of("--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + this.proxy.port() + "/" + this.database,
				"--spring.datasource.username=postgres", "--spring.datasource.password=",
				"--spring.datasource.hikari.maximum-pool-size=5", "--tollgate.jira.base-url=" + this.jira.baseUrl(),
				"--tollgate.jira.user-email=faults@example.invalid", "--tollgate.jira.connect-timeout=1s",
				"--tollgate.jira.read-timeout=2s", "--tollgate.outbound.allow-http=true",
				"--tollgate.outbound.allow-loopback=true", "--tollgate.jobs.lease=" + LEASE.toSeconds() + "s",
				"--tollgate.jobs.concurrency=" + JOB_CONCURRENCY, "--tollgate.jobs.backoff-initial=300ms",
				"--tollgate.jobs.backoff-max=2s", "--tollgate.jobs.poll-interval=200ms",
				// Backoff is compressed 60-fold, so attempts are raised to cover outages
				// of the same length.
				"--tollgate.jobs.max-attempts=30", "--tollgate.pipeline.connect-timeout=1s",
				"--tollgate.pipeline.read-timeout=2s", "--tollgate.pipeline.breaker-open-for=2s",
				"--tollgate.identity.cache-ttl=1s", "--spring.lifecycle.timeout-per-shutdown-phase=20s",
				"--spring.main.banner-mode=off");
	}

	/** Starts the first replica (it migrates the schema), then the others in parallel. */
	void startAll(Duration timeout) {
		Replica first = this.replicas.get(0);
		first.start();
		first.awaitReady(timeout);
		this.replicas.stream().skip(1).forEach(Replica::start);
		this.replicas.stream().skip(1).forEach((replica) -> replica.awaitReady(timeout));
	}

	/**
	 * Restarts any replica that is not running (a scenario before may have stopped one).
	 */
	void ensureAllRunning(Duration timeout) {
		List<Replica> restarted = new ArrayList<>();
		for (Replica replica : this.replicas) {
			if (!replica.alive()) {
				replica.start();
				restarted.add(replica);
			}
		}
		restarted.forEach((replica) -> replica.awaitReady(timeout));
	}

	List<Integer> ports() {
		return this.replicas.stream().map((replica) -> replica.port).toList();
	}

	Replica anyAlive() {
		return this.replicas.stream()
			.filter(Replica::alive)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no replica is running"));
	}

	// ---- policy ----

	/**
	 * One role; the fixed actor bound by account id; group {@value FakeJira#GROUP} bound
	 * for {@code groupProject} only (so only its transitions ask Jira); a GitHub target
	 * on the CI stub; one rule per project allowing the role to move issues to
	 * {@value #TO_STATUS}. Returns once every replica decides with it.
	 */
	void installPolicy(List<String> projects, String groupProject) {
		admin("POST", "/api/v1/roles", Map.of("name", ROLE, "description", "May start the fault pipeline"), 201);
		admin("POST", "/api/v1/role-bindings", Map.of("role", ROLE, "subjectType", "USER", "subject", ACTOR), 201);
		admin("POST", "/api/v1/role-bindings",
				Map.of("role", ROLE, "subjectType", "GROUP", "subject", FakeJira.GROUP, "projectKey", groupProject),
				201);
		Map<String, Object> target = new LinkedHashMap<>();
		target.put("name", TARGET);
		target.put("kind", "GITHUB_ACTIONS");
		target.put("baseUrl", this.ci.baseUrl());
		target.put("repository", "acme/shop");
		target.put("workflow", "deploy.yml");
		target.put("ref", "main");
		target.put("credentialRef", "env:FAULTS_CI_TOKEN");
		target.put("inputs", Map.of("issue", "{{issue.key}}"));
		admin("POST", "/api/v1/targets", target, 201);
		List<String> all = new ArrayList<>(projects);
		all.add(groupProject);
		for (String project : all) {
			admin("POST", "/api/v1/rules", Map.of("name", "deploy " + project, "projectKey", project, "fromStatus", "*",
					"toStatus", TO_STATUS, "allowedRoles", List.of(ROLE), "target", TARGET), 201);
		}
		String last = all.get(all.size() - 1);
		for (Replica replica : this.replicas) {
			Faults.await(replica.name + " deciding with the policy", Duration.ofSeconds(30), () -> {
				JsonNode answer = call(replica, "POST", "/api/v1/policy/explain",
						Map.of("projectKey", last, "issueType", "Task", "fromStatus", "In Progress", "toStatus",
								TO_STATUS, "actorAccountId", "acc-grp-0", "actorGroups", List.of(FakeJira.GROUP)),
						200);
				return "ALLOWED".equals(answer.path("outcome").asString());
			}, () -> "");
		}
	}

	// ---- admin API ----

	JsonNode admin(String method, String path, Object body, int expectedStatus) {
		return call(anyAlive(), method, path, body, expectedStatus);
	}

	/** Jobs as the admin API lists them ({@code GET /api/v1/jobs?status=}). */
	List<JsonNode> jobs(String status) {
		JsonNode list = admin("GET", "/api/v1/jobs?status=" + status + "&limit=1000", null, 200);
		List<JsonNode> jobs = new ArrayList<>();
		list.get("items").values().forEach(jobs::add);
		return jobs;
	}

	static JsonNode call(Replica replica, String method, String path, Object body, int expectedStatus) {
		try {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replica.baseUrl() + path))
				.timeout(Duration.ofSeconds(20))
				.header("Authorization", "Bearer " + ADMIN_TOKEN)
				.header("Accept", "application/json");
			if (body != null) {
				request.header("Content-Type", "application/json")
					.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
			}
			else {
				request.method(method, HttpRequest.BodyPublishers.noBody());
			}
			HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != expectedStatus) {
				throw new AssertionError(method + " " + path + " on " + replica.name + " answered "
						+ response.statusCode() + " (expected " + expectedStatus + "): " + response.body());
			}
			return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
		}
		catch (IOException ex) {
			throw new AssertionError(method + " " + path + " on " + replica.name + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	// ---- the database, read directly (not through the proxy) ----

	record DecisionRow(String deliveryId, String decisionId, String outcome, String issueKey) {
	}

	/** The DECISION audit events of one project. */
	List<DecisionRow> decisions(String projectKey) {
		List<DecisionRow> rows = new ArrayList<>();
		query("SELECT delivery_id, decision_id::text, outcome, issue_key FROM tollgate.audit_event "
				+ "WHERE type = 'DECISION' AND project_key = ?",
				(rs) -> rows.add(new DecisionRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))),
				projectKey);
		return rows;
	}

	/**
	 * Jobs still leased by the worker of process {@code pid} (worker ids start with the
	 * JVM's {@code pid@host}).
	 */
	int leasedBy(long pid) {
		int[] count = new int[1];
		query("SELECT count(*) FROM tollgate.job WHERE status = 'RUNNING' AND locked_by LIKE ?",
				(rs) -> count[0] = rs.getInt(1), pid + "@%");
		return count[0];
	}

	interface RowHandler {

		void row(ResultSet rs) throws SQLException;

	}

	void query(String sql, RowHandler handler, Object... params) {
		try (Connection connection = connect(SERVER.database(this.database).url());
				PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < params.length; i++) {
				statement.setObject(i + 1, params[i]);
			}
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					handler.row(rs);
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Query failed: " + sql, ex);
		}
	}

	String logTails(int lines) {
		StringBuilder tails = new StringBuilder();
		for (Replica replica : this.replicas) {
			tails.append("---- ")
				.append(replica.name)
				.append(" (")
				.append(replica.log())
				.append(") ----\n")
				.append(replica.tail(lines))
				.append('\n');
		}
		return tails.toString();
	}

	@Override
	public void close() {
		for (Replica replica : this.replicas) {
			try {
				replica.kill();
			}
			catch (RuntimeException ex) {
				// keep going: every process must be stopped
			}
		}
		this.proxy.close();
		this.ci.close();
		this.jira.close();
		execute(ADMIN_URL, "DROP DATABASE IF EXISTS " + this.database + " WITH (FORCE)");
	}

	private static void execute(String url, String sql) {
		try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "'", ex);
		}
	}

	private static Connection connect(String url) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", "postgres");
		properties.setProperty("password", "");
		properties.setProperty("connectTimeout", "5");
		return DriverManager.getConnection(url, properties);
	}

}
