package dev.tollgate.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Load generator for {@code POST /webhooks/jira}.
 * <p>
 * Every request is a unique, correctly signed {@code jira:issue_updated} status transition (unique
 * delivery id, issue id and changelog id; about 4 KB, shaped like a real Jira Cloud body).
 * <ul>
 * <li>{@code --mode closed}: {@code --connections} workers each send, wait for the answer, and send
 * again, for {@code --duration} seconds. Measures the maximum acknowledged rate.</li>
 * <li>{@code --mode open}: requests are scheduled at a fixed {@code --rate} per second regardless of
 * how fast answers come back. Latency is measured from the <em>intended</em> send time, so a stall
 * on the server is charged to every request that should have been sent during it
 * (coordinated-omission correction).</li>
 * </ul>
 * Latency is recorded in microseconds in an HdrHistogram (3 significant digits, up to 120 s). The
 * result is printed as one JSON object on stdout and, with {@code --out}, written to a file.
 */
public final class LoadGenerator {

	private static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.SECONDS.toMicros(120);

	private final Options options;

	private final HttpClient client;

	private final ConcurrentHistogram histogram = new ConcurrentHistogram(HIGHEST_TRACKABLE_MICROS, 3);

	private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

	private final AtomicLong sequence = new AtomicLong();

	private final LongAdder sent = new LongAdder();

	/** Makes issue and changelog ids unique across runs against the same database. */
	private final long idBase;

	/** Makes delivery ids unique across runs. */
	private final String runNonce;

	private final SecretKeySpec key;

	/** With {@code --sends}: one record per request (issue id, send time, status) for the end-to-end join. */
	private final java.util.Queue<long[]> sends = new java.util.concurrent.ConcurrentLinkedQueue<>();

	/** Wall clock (µs since the epoch) at {@link #nanoOrigin}, so send times compare with the stub's clock. */
	private final long wallOriginMicros;

	private final long nanoOrigin;

	private LoadGenerator(Options options) {
		this.options = options;
		this.client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.executor(Executors.newFixedThreadPool(Math.max(2, Math.min(options.connections, 8)), daemon("http")))
			.build();
		// Seconds since the epoch times 10^7: runs started at least a second apart never overlap
		// unless one run sends more than ten million requests per second of gap.
		this.idBase = (System.currentTimeMillis() / 1000) * 10_000_000L;
		this.runNonce = Long.toString(System.nanoTime() & 0xffffffffL, 36);
		this.key = new SecretKeySpec(options.secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
		Instant now = Instant.now();
		this.nanoOrigin = System.nanoTime();
		this.wallOriginMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		LoadGenerator generator = new LoadGenerator(options);
		Map<String, Object> result = generator.run();
		ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
		String text = json.writeValueAsString(result);
		System.out.println(text);
		if (options.out != null) {
			Path out = Path.of(options.out);
			if (out.getParent() != null) {
				Files.createDirectories(out.getParent());
			}
			Files.writeString(out, text + System.lineSeparator());
		}
		if (options.sends != null) {
			generator.writeSends(Path.of(options.sends));
		}
		System.exit(0);
	}

	private Map<String, Object> run() throws Exception {
		long durationNanos = TimeUnit.SECONDS.toNanos(this.options.durationSeconds);
		long start = System.nanoTime();
		if ("open".equals(this.options.mode)) {
			runOpen(start, durationNanos);
		}
		else {
			runClosed(start, durationNanos);
		}
		long elapsed = System.nanoTime() - start;
		return result(elapsed);
	}

	// --- closed loop ---------------------------------------------------------------------------

	private void runClosed(long start, long durationNanos) throws InterruptedException {
		long deadline = start + durationNanos;
		ExecutorService workers = Executors.newFixedThreadPool(this.options.connections, daemon("worker"));
		for (int i = 0; i < this.options.connections; i++) {
			workers.execute(() -> {
				while (System.nanoTime() < deadline) {
					long n = this.sequence.incrementAndGet();
					HttpRequest request = request(n);
					long sentAt = System.nanoTime();
					this.sent.increment();
					try {
						HttpResponse<Void> response = this.client.send(request, HttpResponse.BodyHandlers.discarding());
						record(sentAt, response.statusCode());
						recordSend(n, sentAt, response.statusCode());
					}
					catch (IOException ex) {
						error(sentAt, ex);
						recordSend(n, sentAt, 0);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			});
		}
		workers.shutdown();
		// Every request has a 30 s timeout, so this bound always holds.
		if (!workers.awaitTermination(durationNanos + TimeUnit.SECONDS.toNanos(40), TimeUnit.NANOSECONDS)) {
			workers.shutdownNow();
		}
	}

	// --- open loop -----------------------------------------------------------------------------

	private void runOpen(long start, long durationNanos) throws InterruptedException {
		double rate = this.options.rate;
		long total = (long) Math.floor(rate * durationNanos / 1e9);
		double intervalNanos = 1e9 / rate;
		// A cap on in-flight requests keeps a stalled server from exhausting memory and sockets;
		// waiting for a permit does not hide the stall, because latency is taken from the intended time.
		Semaphore inFlight = new Semaphore(this.options.maxInFlight);
		for (long i = 0; i < total; i++) {
			long intended = start + (long) (i * intervalNanos);
			long now;
			while ((now = System.nanoTime()) < intended) {
				LockSupport.parkNanos(intended - now);
			}
			inFlight.acquire();
			long n = this.sequence.incrementAndGet();
			HttpRequest request = request(n);
			this.sent.increment();
			this.client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, ex) -> {
				try {
					if (ex != null) {
						error(intended, ex);
						recordSend(n, intended, 0);
					}
					else {
						record(intended, response.statusCode());
						recordSend(n, intended, response.statusCode());
					}
				}
				finally {
					inFlight.release();
				}
			});
		}
		// Drain: bounded by the per-request timeout.
		if (!inFlight.tryAcquire(this.options.maxInFlight, 40, TimeUnit.SECONDS)) {
			System.err.println("open loop: requests still in flight after 40 s of draining");
		}
	}

	// --- requests ------------------------------------------------------------------------------

	private HttpRequest request(long n) {
		long issueId = this.idBase + n;
		String changelogId = Long.toString(issueId);
		String deliveryId = "bench-" + this.runNonce + "-" + n;
		byte[] body = JiraTransition.body(Long.toString(issueId), changelogId, this.options.actor);
		return HttpRequest.newBuilder(this.options.url)
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.header("X-Hub-Signature", sign(body))
			.header("X-Atlassian-Webhook-Identifier", deliveryId)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build();
	}

	private String sign(byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	// --- recording -----------------------------------------------------------------------------

	private void record(long from, int status) {
		this.histogram.recordValue(micros(from));
		this.statuses.computeIfAbsent(status, (s) -> new LongAdder()).increment();
	}

	private void error(long from, Throwable ex) {
		this.histogram.recordValue(micros(from));
		Throwable cause = (ex.getCause() != null && ex instanceof java.util.concurrent.CompletionException) ? ex.getCause()
				: ex;
		this.errors.computeIfAbsent(cause.getClass().getSimpleName(), (s) -> new LongAdder()).increment();
	}

	/**
	 * Keeps (issue id, send time in µs since the epoch, HTTP status or 0 on an exception). The send
	 * time is the intended one in open-loop mode, like the latency.
	 */
	private void recordSend(long n, long sentAtNanos, int status) {
		if (this.options.sends != null) {
			this.sends.add(new long[] { this.idBase + n, this.wallOriginMicros + (sentAtNanos - this.nanoOrigin) / 1000,
					status });
		}
	}

	/** Tab-separated {@code issueId sendEpochMicros status}, one line per request. */
	private void writeSends(Path file) throws IOException {
		if (file.getParent() != null) {
			Files.createDirectories(file.getParent());
		}
		try (java.io.BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			for (long[] s : this.sends) {
				out.write(s[0] + "\t" + s[1] + "\t" + s[2] + "\n");
			}
		}
	}

	private static long micros(long from) {
		return Math.min(HIGHEST_TRACKABLE_MICROS, Math.max(0, (System.nanoTime() - from) / 1000));
	}

	private Map<String, Object> result(long elapsedNanos) {
		Histogram h = this.histogram.copy();
		double seconds = elapsedNanos / 1e9;
		Map<String, Long> byStatus = new TreeMap<>();
		long ok = 0;
		long non2xx = 0;
		for (Map.Entry<Integer, LongAdder> e : this.statuses.entrySet()) {
			long count = e.getValue().sum();
			byStatus.put(Integer.toString(e.getKey()), count);
			if (e.getKey() >= 200 && e.getKey() < 300) {
				ok += count;
			}
			else {
				non2xx += count;
			}
		}
		Map<String, Long> byError = new TreeMap<>();
		long errorCount = 0;
		for (Map.Entry<String, LongAdder> e : this.errors.entrySet()) {
			byError.put(e.getKey(), e.getValue().sum());
			errorCount += e.getValue().sum();
		}
		Map<String, Object> latency = new LinkedHashMap<>();
		latency.put("p50", ms(h.getValueAtPercentile(50)));
		latency.put("p90", ms(h.getValueAtPercentile(90)));
		latency.put("p99", ms(h.getValueAtPercentile(99)));
		latency.put("p99_9", ms(h.getValueAtPercentile(99.9)));
		latency.put("max", ms(h.getMaxValue()));
		latency.put("mean", Math.round(h.getMean() / 10.0) / 100.0);

		Map<String, Object> r = new LinkedHashMap<>();
		r.put("scenario", this.options.label);
		r.put("mode", this.options.mode);
		r.put("connections", "open".equals(this.options.mode) ? null : this.options.connections);
		r.put("target_rate_per_s", "open".equals(this.options.mode) ? this.options.rate : null);
		r.put("duration_s", Math.round(seconds * 100) / 100.0);
		r.put("started_at", Instant.now().minusNanos(elapsedNanos).toString());
		r.put("body_bytes", JiraTransition.body("1000000000000000", "1000000000000000", this.options.actor).length);
		r.put("sent", this.sent.sum());
		r.put("completed", h.getTotalCount());
		r.put("acked_2xx", ok);
		r.put("non_2xx", non2xx);
		r.put("errors", errorCount);
		r.put("acked_per_s", Math.round(ok / seconds * 10) / 10.0);
		r.put("status_counts", byStatus);
		r.put("error_counts", byError);
		r.put("latency_ms", latency);
		r.put("latency_basis", "open".equals(this.options.mode) ? "intended send time (coordinated-omission corrected)"
				: "actual send time (closed loop)");
		return r;
	}

	private static double ms(long micros) {
		return Math.round(micros / 10.0) / 100.0;
	}

	private static java.util.concurrent.ThreadFactory daemon(String prefix) {
		AtomicLong n = new AtomicLong();
		return (r) -> {
			Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
			t.setDaemon(true);
			return t;
		};
	}

	// --- options -------------------------------------------------------------------------------

	static final class Options {

		URI url = URI.create("http://127.0.0.1:8080/webhooks/jira");

		String secret = "bench-secret";

		String mode = "closed";

		int connections = 16;

		double rate = 1000;

		int durationSeconds = 10;

		// Below Tollgate's 1,024 connections (ADR 0019): further ones would wait in the accept queue and
		// fail their connect, which measures the kernel's SYN retries rather than Tollgate.
		int maxInFlight = 1000;

		String actor = "5b10ac8d82e05b22cc7d4ef5";

		String label;

		String out;

		String sends;

		static Options parse(String[] args) {
			Options o = new Options();
			for (int i = 0; i < args.length; i++) {
				String name = args[i];
				if ("--help".equals(name) || "-h".equals(name)) {
					usage(0);
				}
				if (i + 1 >= args.length) {
					System.err.println("missing value for " + name);
					usage(2);
				}
				String value = args[++i];
				switch (name) {
					case "--url" -> o.url = URI.create(value);
					case "--secret" -> o.secret = value;
					case "--mode" -> o.mode = value;
					case "--connections" -> o.connections = Integer.parseInt(value);
					case "--rate" -> o.rate = Double.parseDouble(value);
					case "--duration" -> o.durationSeconds = Integer.parseInt(value);
					case "--max-in-flight" -> o.maxInFlight = Integer.parseInt(value);
					case "--actor" -> o.actor = value;
					case "--label" -> o.label = value;
					case "--out" -> o.out = value;
					case "--sends" -> o.sends = value;
					default -> {
						System.err.println("unknown option " + name);
						usage(2);
					}
				}
			}
			if (!"open".equals(o.mode) && !"closed".equals(o.mode)) {
				System.err.println("--mode must be open or closed");
				usage(2);
			}
			if (o.label == null) {
				o.label = "open".equals(o.mode) ? "open-" + (long) o.rate + "/s" : "closed-" + o.connections;
			}
			return o;
		}

		private static void usage(int code) {
			System.err.println("""
					usage: java -jar tollgate-bench.jar [options]
					  --url URL             default http://127.0.0.1:8080/webhooks/jira
					  --secret S            Jira webhook secret (default bench-secret)
					  --mode closed|open    closed: N connections back to back; open: fixed rate
					  --connections N       closed loop (default 16)
					  --rate R              open loop, requests per second (default 1000)
					  --duration D          seconds (default 10)
					  --max-in-flight N     open loop cap on outstanding requests (default 1000)
					  --actor ID            Jira accountId of the transitioning user
					  --label NAME          scenario name in the result
					  --out FILE            also write the JSON result here
					  --sends FILE          write issueId, send time (µs since the epoch) and status per
					                        request, tab-separated (for the end-to-end join)""");
			System.exit(code);
		}

	}

}
