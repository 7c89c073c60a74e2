package dev.tollgate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A minimal stand-in for the Jira Cloud REST API and a GitHub Actions CI (JDK {@link HttpServer}).
 * <ul>
 * <li>Jira: the COMMENT jobs every decision produces complete instead of retrying against an
 * unconfigured Jira. The calls {@code JiraClient} makes get empty but well-formed answers.</li>
 * <li>CI: {@code POST /repos/{owner}/{repo}/actions/workflows/{id}/dispatches} (the benchmark's
 * GITHUB_ACTIONS target points here) checks the bearer token, records the arrival time (µs since
 * the epoch), the {@code issue_id} input and the {@code tollgate_decision_id} input, and answers
 * 200 with run details, as GitHub.com does for {@code return_run_details: true}. A 204 would send
 * Tollgate looking for the run by name, a few seconds per trigger, which is not what is measured.</li>
 * </ul>
 * {@code GET /__stats} returns the call counts as JSON, including {@code ci_dispatch},
 * {@code ci_decision_ids_distinct} and {@code ci_decision_ids_twice}; {@code GET /__triggers}
 * returns every dispatch as tab-separated {@code arrivalEpochMicros issueId decisionId}.
 * <p>
 * Usage: {@code BENCH_CI_TOKEN=t java -cp tollgate-bench.jar dev.tollgate.bench.StubJira <port>}
 * (without {@code BENCH_CI_TOKEN} any bearer token is accepted).
 */
public final class StubJira {

	private static final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

	private static final AtomicLong commentIds = new AtomicLong(100000);

	private static final AtomicLong runIds = new AtomicLong(4000000);

	private static final Pattern DISPATCH = Pattern.compile("/repos/[^/]+/[^/]+/actions/workflows/[^/]+/dispatches");

	private static final Pattern RUNS = Pattern.compile("/repos/[^/]+/[^/]+/actions/workflows/[^/]+/runs");

	/** One {@code {arrivalEpochMicros, issueId, decisionId}} per dispatch. */
	private static final Queue<String[]> triggers = new ConcurrentLinkedQueue<>();

	private static final Map<String, LongAdder> decisionIds = new ConcurrentHashMap<>();

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final String CI_TOKEN = System.getenv("BENCH_CI_TOKEN");

	private StubJira() {
	}

	public static void main(String[] args) throws IOException {
		int port = Integer.parseInt(args[0]);
		// The JDK server writes a response's head and body separately; without TCP_NODELAY, Nagle's
		// algorithm meets the client's delayed ACK and every answer took ~40 ms, which capped
		// Tollgate's 16 job threads at ~400 calls/s and made the stub the end-to-end bottleneck.
		System.setProperty("sun.net.httpserver.nodelay", "true");
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
		// As many threads as Tollgate calls it at once (16 job threads), so no call queues here.
		server.setExecutor(Executors.newFixedThreadPool(32));
		server.createContext("/", StubJira::handle);
		server.start();
		System.out.println("stub Jira listening on 127.0.0.1:" + port);
	}

	private static void handle(HttpExchange exchange) throws IOException {
		try (exchange; InputStream in = exchange.getRequestBody()) {
			byte[] requestBody = in.readAllBytes();
			long arrival = nowMicros();
			String method = exchange.getRequestMethod();
			String path = exchange.getRequestURI().getPath();
			if (path.equals("/__triggers")) {
				StringBuilder sb = new StringBuilder();
				for (String[] t : triggers) {
					sb.append(t[0]).append('\t').append(t[1]).append('\t').append(t[2]).append('\n');
				}
				respond(exchange, 200, sb.toString(), "text/tab-separated-values");
				return;
			}
			if (path.equals("/__stats")) {
				Map<String, Long> snapshot = new TreeMap<>();
				counts.forEach((k, v) -> snapshot.put(k, v.sum()));
				snapshot.put("ci_decision_ids_distinct", (long) decisionIds.size());
				snapshot.put("ci_decision_ids_twice", decisionIds.values().stream().filter((c) -> c.sum() > 1).count());
				StringBuilder sb = new StringBuilder("{");
				snapshot.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
				respond(exchange, 200, sb.append('}').toString());
				return;
			}
			String kind;
			int status = 200;
			String body;
			if ("POST".equals(method) && DISPATCH.matcher(path).matches()) {
				String auth = exchange.getRequestHeaders().getFirst("Authorization");
				if (auth == null || !auth.startsWith("Bearer ") || (CI_TOKEN != null && !auth.equals("Bearer " + CI_TOKEN))) {
					kind = "ci_dispatch_unauthorized";
					status = 401;
					body = "{\"message\":\"Bad credentials\"}";
				}
				else {
					JsonNode inputs = JSON.readTree(requestBody).path("inputs");
					String decisionId = inputs.path("tollgate_decision_id").asText("");
					triggers.add(new String[] { Long.toString(arrival), inputs.path("issue_id").asText(""), decisionId });
					decisionIds.computeIfAbsent(decisionId, (k) -> new LongAdder()).increment();
					kind = "ci_dispatch";
					long run = runIds.incrementAndGet();
					body = "{\"workflow_run_id\":" + run + ",\"run_url\":\"http://stub.invalid/runs/" + run
							+ "\",\"html_url\":\"http://stub.invalid/runs/" + run + "\"}";
				}
			}
			else if ("GET".equals(method) && RUNS.matcher(path).matches()) {
				kind = "ci_run_lookup";
				body = "{\"total_count\":0,\"workflow_runs\":[]}";
			}
			else if (path.endsWith("/user/groups")) {
				kind = "groups";
				body = "[]";
			}
			else if (path.matches(".*/project/[^/]+/role")) {
				kind = "project_roles";
				body = "{}";
			}
			else if (path.matches(".*/project/[^/]+/role/[^/]+")) {
				kind = "project_role";
				body = "{\"id\":1,\"name\":\"role\",\"actors\":[]}";
			}
			else if (path.endsWith("/comment") && "POST".equals(method)) {
				kind = "comment_created";
				status = 201;
				body = "{\"id\":\"" + commentIds.incrementAndGet() + "\"}";
			}
			else if (path.endsWith("/comment")) {
				kind = "comment_list";
				body = "{\"startAt\":0,\"maxResults\":100,\"total\":0,\"comments\":[]}";
			}
			else if (path.endsWith("/transitions") && "POST".equals(method)) {
				kind = "transition_done";
				status = 204;
				body = null;
			}
			else if (path.endsWith("/transitions")) {
				kind = "transitions_list";
				body = "{\"transitions\":[]}";
			}
			else {
				kind = "unknown " + method + " " + path.replaceAll("[0-9]+", "N");
				status = 404;
				body = "{\"errorMessages\":[\"not stubbed\"]}";
			}
			counts.computeIfAbsent(kind, (k) -> new LongAdder()).increment();
			respond(exchange, status, body);
		}
	}

	private static long nowMicros() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		respond(exchange, status, body, "application/json");
	}

	private static void respond(HttpExchange exchange, int status, String body, String contentType) throws IOException {
		if (body == null) {
			exchange.sendResponseHeaders(status, -1);
			return;
		}
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", contentType);
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

}
