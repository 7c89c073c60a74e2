package dev.tollgate.faults;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;

/**
 * A Jira Cloud stand-in for what Tollgate calls: group look-ups (every account is in
 * {@value #GROUP}), comments (kept per issue, and listed back so a retry can find its
 * own) and nothing else (404, which look-ups read as "none"). Identity look-ups and
 * comments fail independently, each by its own {@link Mode}.
 */
final class FakeJira extends StubServer {

	static final String GROUP = "releasers";

	enum Mode {

		OK,
		/** 503. */
		UNAVAILABLE,
		/** 429 with {@code Retry-After: 1}. */
		RATE_LIMITED,
		/**
		 * Writes are stored, but the answer comes after the client's read timeout; reads
		 * are fine.
		 */
		SLOW_WRITES

	}

	record Comment(String id, String issueKey, String body) {
	}

	private volatile Mode identityMode = Mode.OK;

	private volatile Mode commentMode = Mode.OK;

	private final long hangMillis;

	private final AtomicLong commentIds = new AtomicLong(100000);

	private final Map<String, List<Comment>> comments = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> faults = new ConcurrentHashMap<>();

	FakeJira(long hangMillis) throws IOException {
		super("fake-jira");
		this.hangMillis = hangMillis;
	}

	void identity(Mode mode) {
		this.identityMode = mode;
	}

	void comments(Mode mode) {
		this.commentMode = mode;
	}

	/** How often a fault was served, by {@code <identity|comment>:<mode>}. */
	int faults(String key) {
		AtomicInteger count = this.faults.get(key);
		return (count != null) ? count.get() : 0;
	}

	/** Comments posted per issue key, for the issues of one project. */
	Map<String, Integer> commentCounts(String projectKey) {
		return this.comments.entrySet()
			.stream()
			.filter((e) -> e.getKey().startsWith(projectKey + "-"))
			.collect(Collectors.toMap(Map.Entry::getKey, (e) -> e.getValue().size()));
	}

	@Override
	void handle(HttpExchange exchange, byte[] body) throws IOException {
		String path = exchange.getRequestURI().getPath();
		String method = exchange.getRequestMethod();
		if (path.equals("/rest/api/3/user/groups")) {
			if (fault("identity", this.identityMode, exchange, false)) {
				return;
			}
			respond(exchange, 200, "[{\"name\":\"" + GROUP + "\",\"groupId\":\"5a3e-releasers\"}]", Map.of());
			return;
		}
		if (path.matches("/rest/api/3/issue/[^/]+/comment")) {
			String issueKey = URLDecoder.decode(path.split("/")[5], StandardCharsets.UTF_8);
			List<Comment> onIssue = this.comments.computeIfAbsent(issueKey, (k) -> new CopyOnWriteArrayList<>());
			if ("POST".equals(method)) {
				if (fault("comment", this.commentMode, exchange, true)) {
					return;
				}
				Comment comment = new Comment(Long.toString(this.commentIds.incrementAndGet()), issueKey,
						new String(body, StandardCharsets.UTF_8));
				onIssue.add(comment);
				String answer = "{\"id\":\"" + comment.id() + "\",\"self\":\"" + baseUrl() + "/rest/api/3/issue/"
						+ issueKey + "/comment/" + comment.id() + "\"}";
				if (this.commentMode == Mode.SLOW_WRITES) {
					count("comment", Mode.SLOW_WRITES);
					try {
						Thread.sleep(this.hangMillis);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				try {
					respond(exchange, 201, answer, Map.of());
				}
				catch (IOException ex) {
					// the client gave up: the comment exists anyway
				}
				return;
			}
			if (fault("comment", this.commentMode, exchange, false)) {
				return;
			}
			// Each element is {"id", "body": <the ADF document as posted>}, newest first.
			StringBuilder items = new StringBuilder();
			for (int i = onIssue.size() - 1; i >= 0; i--) {
				Comment comment = onIssue.get(i);
				items.append((items.length() > 0) ? "," : "")
					.append("{\"id\":\"")
					.append(comment.id())
					.append("\",")
					.append(comment.body().strip().substring(1));
			}
			respond(exchange, 200,
					"{\"startAt\":0,\"maxResults\":100,\"total\":" + onIssue.size() + ",\"comments\":[" + items + "]}",
					Map.of());
			return;
		}
		respond(exchange, 404, "{\"errorMessages\":[\"not here\"],\"errors\":{}}", Map.of());
	}

	/** Serves the mode's failure, if it has one for this call; returns whether it did. */
	private boolean fault(String what, Mode mode, HttpExchange exchange, boolean write) throws IOException {
		if (mode == Mode.UNAVAILABLE) {
			count(what, mode);
			respond(exchange, 503, "{\"errorMessages\":[\"Service Unavailable\"]}", Map.of());
			return true;
		}
		if (mode == Mode.RATE_LIMITED) {
			count(what, mode);
			respond(exchange, 429, "{\"errorMessages\":[\"Rate limit exceeded\"]}", Map.of("Retry-After", "1"));
			return true;
		}
		return false;
	}

	private void count(String what, Mode mode) {
		this.faults.computeIfAbsent(what + ":" + mode, (k) -> new AtomicInteger()).incrementAndGet();
	}

}
