package dev.tollgate.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback JDK {@link HttpServer} with a thread per request (stubs that time out on
 * purpose must not starve the others), shared by the Jira and CI stand-ins.
 */
abstract class StubServer implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor;

	StubServer(String name) throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
		this.executor = Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		});
		this.server.setExecutor(this.executor);
		this.server.createContext("/", (exchange) -> {
			try (exchange; InputStream in = exchange.getRequestBody()) {
				byte[] body = in.readAllBytes();
				handle(exchange, body);
			}
			catch (RuntimeException ex) {
				respond(exchange, 500, "{\"message\":\"stub failure: " + ex + "\"}", Map.of());
			}
		});
		this.server.start();
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	abstract void handle(HttpExchange exchange, byte[] body) throws IOException;

	static void respond(HttpExchange exchange, int status, String body, Map<String, String> headers)
			throws IOException {
		headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
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

	/** Holds the request past the caller's read timeout, then answers (to nobody). */
	static void hang(HttpExchange exchange, long millis) throws IOException {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try {
			respond(exchange, 503, "{\"message\":\"too late\"}", Map.of());
		}
		catch (IOException ex) {
			// the caller gave up long ago
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
