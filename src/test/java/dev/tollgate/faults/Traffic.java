package dev.tollgate.faults;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends signed deliveries to the replicas round-robin and retries like Jira does (a 5xx,
 * a refused or dropped connection: again, to the next replica), until each is
 * acknowledged with a 2xx or a deadline passes. Each request uses its own connection
 * ({@code Connection: close}), so what happened to it is known exactly: refused before it
 * was sent, or dropped after it was sent without an answer ("reset"). A reset delivery
 * whose retry is answered {@code DUPLICATE} was stored but never answered: the server
 * dropped a request it had accepted.
 */
final class Traffic {

	record Delivery(String id, String body) {
	}

	/** What a run of deliveries saw. */
	static final class Tally {

		final Set<String> sent = ConcurrentHashMap.newKeySet();

		final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

		final AtomicInteger queued = new AtomicInteger();

		final AtomicInteger duplicates = new AtomicInteger();

		final AtomicInteger unavailable = new AtomicInteger();

		final AtomicInteger refused = new AtomicInteger();

		final AtomicInteger resets = new AtomicInteger();

		/**
		 * Reset after sending, and the retry said DUPLICATE: accepted, stored, never
		 * answered.
		 */
		final AtomicInteger acceptedUnanswered = new AtomicInteger();

		final Map<Integer, AtomicInteger> unexpected = new ConcurrentHashMap<>();

		final AtomicInteger answered = new AtomicInteger();

		volatile Instant finishedAt;

		void unexpected(int status) {
			this.unexpected.computeIfAbsent(status, (s) -> new AtomicInteger()).incrementAndGet();
		}

		String describe() {
			return "sent=" + this.sent.size() + " acknowledged=" + this.acknowledged.size() + " queued=" + this.queued
					+ " duplicateAnswers=" + this.duplicates + " 503=" + this.unavailable + " refused=" + this.refused
					+ " resets=" + this.resets + " acceptedUnanswered=" + this.acceptedUnanswered + " unexpected="
					+ this.unexpected;
		}

	}

	private final List<Integer> ports;

	private final String secret;

	private final AtomicInteger next = new AtomicInteger();

	Traffic(List<Integer> ports, String secret) {
		this.ports = List.copyOf(ports);
		this.secret = secret;
	}

	/**
	 * Sends {@code count} deliveries made by {@code delivery}, {@code concurrency} at a
	 * time, in the background.
	 */
	Running start(int count, int concurrency, IntFunction<Delivery> delivery, Duration deadline) {
		Tally tally = new Tally();
		ExecutorService pool = Executors.newFixedThreadPool(concurrency, (runnable) -> {
			Thread thread = new Thread(runnable, "fault-traffic");
			thread.setDaemon(true);
			return thread;
		});
		Instant giveUpAt = Instant.now().plus(deadline);
		List<Future<?>> futures = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Delivery d = delivery.apply(i);
			futures.add(pool.submit(() -> deliver(d, tally, giveUpAt)));
		}
		pool.shutdown();
		return new Running(tally, pool, futures);
	}

	static final class Running {

		final Tally tally;

		private final ExecutorService pool;

		private final List<Future<?>> futures;

		Running(Tally tally, ExecutorService pool, List<Future<?>> futures) {
			this.tally = tally;
			this.pool = pool;
			this.futures = futures;
		}

		/** Waits (bounded) until every delivery was acknowledged or given up on. */
		Tally await(Duration timeout) throws Exception {
			if (!this.pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.pool.shutdownNow();
				throw new AssertionError("deliveries still being sent after " + timeout + ": " + this.tally.describe());
			}
			for (Future<?> future : this.futures) {
				future.get();
			}
			this.tally.finishedAt = Instant.now();
			return this.tally;
		}

		/** Waits (bounded) until at least {@code n} deliveries were acknowledged. */
		void awaitAcknowledged(int n, Duration timeout) {
			Faults.await("acknowledged >= " + n, timeout, () -> this.tally.acknowledged.size() >= n,
					this.tally::describe);
		}

	}

	private void deliver(Delivery delivery, Tally tally, Instant giveUpAt) {
		tally.sent.add(delivery.id());
		byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
		String signature = "sha256=" + hmac(body);
		boolean resetBefore = false;
		int attempt = 0;
		while (Instant.now().isBefore(giveUpAt)) {
			int port = this.ports.get(Math.floorMod(this.next.getAndIncrement(), this.ports.size()));
			int status;
			try {
				status = post(port, delivery.id(), attempt, body, signature);
				tally.answered.incrementAndGet();
			}
			catch (ConnectException ex) {
				tally.refused.incrementAndGet();
				Faults.sleep(20);
				attempt++;
				continue;
			}
			catch (IOException ex) {
				// Sent, but no (complete) answer: the outcome is unknown, as it would be
				// for Jira.
				tally.resets.incrementAndGet();
				resetBefore = true;
				Faults.sleep(50);
				attempt++;
				continue;
			}
			if (status == 202 || status == 200) {
				tally.acknowledged.add(delivery.id());
				if (status == 202) {
					tally.queued.incrementAndGet();
				}
				else {
					tally.duplicates.incrementAndGet();
					if (resetBefore) {
						tally.acceptedUnanswered.incrementAndGet();
					}
				}
				return;
			}
			if (status == 503) {
				tally.unavailable.incrementAndGet();
				Faults.sleep(100);
				attempt++;
				continue;
			}
			tally.unexpected(status);
			return;
		}
	}

	/**
	 * One POST on its own connection; the status code, or an exception saying how it
	 * failed.
	 */
	private static int post(int port, String deliveryId, int retry, byte[] body, String signature) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(30_000);
			StringBuilder head = new StringBuilder().append("POST /webhooks/jira HTTP/1.1\r\n")
				.append("Host: 127.0.0.1:")
				.append(port)
				.append("\r\n")
				.append("Content-Type: application/json; charset=utf-8\r\n")
				.append("User-Agent: Atlassian Webhook HTTP Client\r\n")
				.append("X-Atlassian-Webhook-Identifier: ")
				.append(deliveryId)
				.append("\r\n")
				.append("X-Hub-Signature: ")
				.append(signature)
				.append("\r\n")
				.append("Content-Length: ")
				.append(body.length)
				.append("\r\n")
				.append("Connection: close\r\n");
			if (retry > 0) {
				head.append("X-Atlassian-Webhook-Retry: ").append(retry).append("\r\n");
			}
			head.append("\r\n");
			OutputStream out = socket.getOutputStream();
			out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
			out.write(body);
			out.flush();
			InputStream in = socket.getInputStream();
			String statusLine = readLine(in);
			if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
				throw new EOFException("no status line: " + statusLine);
			}
			int status = Integer.parseInt(statusLine.substring(9, 12));
			// Read the rest, so that an answer cut off half-way counts as a reset, not as
			// an answer.
			in.transferTo(OutputStream.nullOutputStream());
			return status;
		}
		catch (SocketTimeoutException ex) {
			throw ex;
		}
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != -1) {
			if (b == '\n') {
				return line.toString(StandardCharsets.US_ASCII).strip();
			}
			line.write(b);
		}
		return (line.size() > 0) ? line.toString(StandardCharsets.US_ASCII) : null;
	}

	private String hmac(byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
