package dev.tollgate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A minimal stand-in for the Jira Cloud REST API (JDK {@link HttpServer}), so that the COMMENT jobs
 * every decision produces complete instead of retrying against an unconfigured Jira. It answers
 * the calls {@code JiraClient} makes with empty but well-formed bodies and counts them:
 * {@code GET /__stats} returns the counts as JSON.
 * <p>
 * Usage: {@code java -cp tollgate-bench.jar dev.tollgate.bench.StubJira <port>}
 * <p>
 * Not yet: recording each decision id and arrival time (issue 9 asks for it for the end-to-end
 * scenario), and a stub CI.
 */
public final class StubJira {

	private static final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

	private static final AtomicLong commentIds = new AtomicLong(100000);

	private StubJira() {
	}

	public static void main(String[] args) throws IOException {
		int port = Integer.parseInt(args[0]);
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
		server.setExecutor(Executors.newFixedThreadPool(4));
		server.createContext("/", StubJira::handle);
		server.start();
		System.out.println("stub Jira listening on 127.0.0.1:" + port);
	}

	private static void handle(HttpExchange exchange) throws IOException {
		try (exchange; InputStream in = exchange.getRequestBody()) {
			in.readAllBytes();
			String method = exchange.getRequestMethod();
			String path = exchange.getRequestURI().getPath();
			if (path.equals("/__stats")) {
				Map<String, Long> snapshot = new TreeMap<>();
				counts.forEach((k, v) -> snapshot.put(k, v.sum()));
				StringBuilder sb = new StringBuilder("{");
				snapshot.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
				respond(exchange, 200, sb.append('}').toString());
				return;
			}
			String kind;
			int status = 200;
			String body;
			if (path.endsWith("/user/groups")) {
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

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		if (body == null) {
			exchange.sendResponseHeaders(status, -1);
			return;
		}
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

}
