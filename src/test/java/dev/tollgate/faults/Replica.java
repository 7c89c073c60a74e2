package dev.tollgate.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Tollgate process ({@code java -jar}), its port fixed across restarts, its output
 * appended to a log file under {@code target/}. Only the process handle it started is
 * ever signalled.
 */
final class Replica {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	final String name;

	final int port;

	private final Path log;

	private final List<String> command;

	private final Map<String, String> environment;

	private Process process;

	Replica(String name, Path jar, Path logDir, List<String> jvmOptions, List<String> arguments,
			Map<String, String> environment) {
		this.name = name;
		this.port = freePort();
		this.log = logDir.resolve(name + ".log");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(jar.toString());
		command.add("--server.port=" + this.port);
		command.addAll(arguments);
		this.command = List.copyOf(command);
		this.environment = Map.copyOf(environment);
	}

	synchronized void start() {
		if (alive()) {
			return;
		}
		try {
			Files.writeString(this.log,
					"==== " + Instant.now() + " starting " + this.name + " on port " + this.port
							+ System.lineSeparator(),
					StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			ProcessBuilder builder = new ProcessBuilder(this.command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
			builder.environment().putAll(this.environment);
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Waits until readiness (database included) answers UP; fails early if the process
	 * exits.
	 */
	void awaitReady(Duration timeout) {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			if (!alive()) {
				throw new IllegalStateException(this.name + " exited with " + this.process.exitValue()
						+ " while starting; its log ends:\n" + tail(60));
			}
			if (ready()) {
				return;
			}
			Faults.sleep(250);
		}
		throw new IllegalStateException(this.name + " not ready after " + timeout + "; its log ends:\n" + tail(60));
	}

	boolean ready() {
		try {
			HttpResponse<Void> response = http
				.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
					.timeout(Duration.ofSeconds(3))
					.build(), HttpResponse.BodyHandlers.discarding());
			return response.statusCode() == 200;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	synchronized boolean alive() {
		return this.process != null && this.process.isAlive();
	}

	synchronized long pid() {
		return this.process.pid();
	}

	/** {@code kill -9}. */
	synchronized void kill() {
		if (this.process == null) {
			return;
		}
		this.process.destroyForcibly();
		waitForExit(Duration.ofSeconds(20));
	}

	/**
	 * SIGTERM; returns the exit code, or -1 if it did not exit in time (it is then
	 * killed).
	 */
	synchronized int terminate(Duration timeout) {
		if (this.process == null || !this.process.isAlive()) {
			return (this.process != null) ? this.process.exitValue() : -1;
		}
		this.process.destroy();
		if (!waitForExit(timeout)) {
			this.process.destroyForcibly();
			waitForExit(Duration.ofSeconds(10));
			return -1;
		}
		return this.process.exitValue();
	}

	private boolean waitForExit(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	String tail(int lines) {
		try {
			if (!Files.exists(this.log)) {
				return "(no log)";
			}
			List<String> all = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(log unreadable: " + ex + ")";
		}
	}

	Path log() {
		return this.log;
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
