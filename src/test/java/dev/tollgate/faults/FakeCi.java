package dev.tollgate.faults;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A GitHub Actions stand-in: {@code workflow_dispatch} (answering with run details) and
 * the run list that a retried trigger searches for its decision id. Every dispatch it
 * accepts is a run; it counts them per decision id, so a repeat of a decision is visible.
 */
final class FakeCi extends StubServer {

	enum Mode {

		/** Runs start; the answer comes after {@link #latencyMillis}. */
		OK,
		/** Every call answers 503; no run starts. */
		UNAVAILABLE,
		/** Every call is held past the client's read timeout; no run starts. */
		BLACK_HOLE

	}

	record Run(long id, String decisionId, String issueKey, Instant createdAt) {
	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private volatile Mode mode = Mode.OK;

	private volatile long latencyMillis;

	private final long hangMillis;

	private final AtomicLong runIds = new AtomicLong(4700);

	private final List<Run> runs = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> dispatchesByDecision = new ConcurrentHashMap<>();

	private final AtomicInteger refused = new AtomicInteger();

	private final AtomicInteger lookups = new AtomicInteger();

	FakeCi(long hangMillis) throws IOException {
		super("fake-ci");
		this.hangMillis = hangMillis;
	}

	void mode(Mode mode) {
		this.mode = mode;
	}

	void latency(long millis) {
		this.latencyMillis = millis;
	}

	/** Calls answered 503 or left hanging. */
	int refused() {
		return this.refused.get();
	}

	int lookups() {
		return this.lookups.get();
	}

	/** Dispatches (runs started) for issues of {@code projectKey}. */
	int dispatches(String projectKey) {
		return (int) this.runs.stream().filter((run) -> run.issueKey().startsWith(projectKey + "-")).count();
	}

	/** The distinct decision ids that started a run for issues of {@code projectKey}. */
	Set<String> decisionIds(String projectKey) {
		return this.runs.stream()
			.filter((run) -> run.issueKey().startsWith(projectKey + "-"))
			.map(Run::decisionId)
			.collect(Collectors.toSet());
	}

	/**
	 * For each decision of the project dispatched more than once: how many runs (of any
	 * decision) were started between its first and its second dispatch — how deep a retry
	 * had to look for it.
	 */
	List<Integer> repeatDepths(String projectKey) {
		List<Run> all = List.copyOf(this.runs);
		Map<String, Integer> first = new HashMap<>();
		List<Integer> depths = new ArrayList<>();
		for (int i = 0; i < all.size(); i++) {
			Run run = all.get(i);
			Integer earlier = first.putIfAbsent(run.decisionId(), i);
			if (earlier != null && run.issueKey().startsWith(projectKey + "-")) {
				depths.add(i - earlier - 1);
			}
		}
		return depths;
	}

	@Override
	void handle(HttpExchange exchange, byte[] body) throws IOException {
		String path = exchange.getRequestURI().getPath();
		String method = exchange.getRequestMethod();
		Mode current = this.mode;
		if (current == Mode.UNAVAILABLE) {
			this.refused.incrementAndGet();
			respond(exchange, 503, "{\"message\":\"Service Unavailable\"}", Map.of());
			return;
		}
		if (current == Mode.BLACK_HOLE) {
			this.refused.incrementAndGet();
			hang(exchange, this.hangMillis);
			return;
		}
		if ("POST".equals(method) && path.matches("/repos/[^/]+/[^/]+/actions/workflows/[^/]+/dispatches")) {
			JsonNode inputs = JSON.readTree(body).path("inputs");
			String decisionId = inputs.path("tollgate_decision_id").asString();
			String issueKey = inputs.path("issue").asString();
			Run run = new Run(this.runIds.incrementAndGet(), decisionId, issueKey, Instant.now());
			this.runs.add(run);
			this.dispatchesByDecision.computeIfAbsent(decisionId, (d) -> new AtomicInteger()).incrementAndGet();
			pause(this.latencyMillis);
			respond(exchange, 200,
					"{\"workflow_run_id\":" + run.id() + ",\"run_url\":\"" + baseUrl()
							+ "/repos/acme/shop/actions/runs/" + run.id() + "\",\"html_url\":\"" + baseUrl()
							+ "/acme/shop/actions/runs/" + run.id() + "\"}",
					Map.of());
			return;
		}
		if ("GET".equals(method) && path.matches("/repos/[^/]+/[^/]+/actions/workflows/[^/]+/runs")) {
			// The workflow names its runs after the decision id (run-name), as
			// docs/pipelines.md asks. Like
			// GitHub: newest first, `created=>=<instant>` filters, one page of `per_page`
			// (default 30).
			this.lookups.incrementAndGet();
			Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
			String created = query.getOrDefault("created", "");
			Instant since = created.startsWith(">=") ? Instant.parse(created.substring(2)) : Instant.EPOCH;
			int perPage = Math.min(100, Integer.parseInt(query.getOrDefault("per_page", "30")));
			int page = Integer.parseInt(query.getOrDefault("page", "1"));
			List<Run> matching = new ArrayList<>(this.runs);
			Collections.reverse(matching);
			matching.removeIf((run) -> run.createdAt().isBefore(since));
			String items = matching.stream()
				.skip((long) (page - 1) * perPage)
				.limit(perPage)
				.map((run) -> "{\"id\":" + run.id() + ",\"name\":\"deploy " + run.issueKey() + " (tollgate "
						+ run.decisionId() + ")\",\"display_title\":\"deploy " + run.issueKey() + " (tollgate "
						+ run.decisionId() + ")\",\"html_url\":\"" + baseUrl() + "/acme/shop/actions/runs/" + run.id()
						+ "\",\"status\":\"queued\",\"created_at\":\"" + run.createdAt() + "\"}")
				.collect(Collectors.joining(","));
			respond(exchange, 200, "{\"total_count\":" + matching.size() + ",\"workflow_runs\":[" + items + "]}",
					Map.of());
			return;
		}
		respond(exchange, 404, "{\"message\":\"Not Found\"}", Map.of());
	}

	private static Map<String, String> query(String raw) {
		Map<String, String> query = new HashMap<>();
		if (raw != null) {
			for (String pair : raw.split("&")) {
				int eq = pair.indexOf('=');
				if (eq > 0) {
					query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
							URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
				}
			}
		}
		return query;
	}

	private static void pause(long millis) {
		if (millis > 0) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
