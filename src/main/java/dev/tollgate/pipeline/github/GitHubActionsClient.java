package dev.tollgate.pipeline.github;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.PipelineHttp;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.outbound.RetryAfter;
import dev.tollgate.pipeline.github.GitHubAppAuth.Auth;
import dev.tollgate.pipeline.github.GitHubAppAuth.InstallationToken;
import dev.tollgate.pipeline.github.GitHubAppAuth.TokenKey;
import dev.tollgate.outbound.OutboundHttp;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.outbound.OutboundHttp.Unreachable;
import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.outbound.OutboundRefused;
import dev.tollgate.policy.Target;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.util.DefaultUriBuilderFactory;

/**
 * GitHub Actions {@code workflow_dispatch}, on GitHub.com or GitHub Enterprise Server
 * ({@code https://host/api/v3}), through the {@link OutboundPolicy}.
 * <ul>
 * <li>Auth {@code TOKEN} (default): the credential is a personal access token. Auth
 * {@code APP}: the credential is the App's private key; {@link GitHubAppAuth} signs the
 * JWT and caches the installation token it buys.</li>
 * <li>The decision id travels as the input {@value #DECISION_INPUT}.
 * {@code return_run_details} asks for the run id; servers that reject the field get the
 * dispatch again without it, and the run is then looked up by the decision id in its name
 * ({@code run-name}).</li>
 * <li>On a later attempt (the earlier one may have started a run and timed out) an
 * existing run carrying the decision id is returned instead of dispatching again.</li>
 * </ul>
 * Failures are {@link TriggerFailure}s: 400/401/404/422 and a 403 without rate-limit
 * signs are permanent; rate limits, 5xx, timeouts and connection failures are transient.
 * No message, log line or {@code toString()} carries a credential.
 */
@Component
public class GitHubActionsClient implements PipelineProvider, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(GitHubActionsClient.class);

	static final String DEFAULT_BASE_URL = "https://api.github.com";

	/**
	 * The input the decision id is sent under; the workflow declares it and puts it in
	 * its run-name.
	 */
	static final String DECISION_INPUT = "tollgate_decision_id";

	/** GitHub's limit on workflow_dispatch inputs, the decision id included. */
	static final int MAX_INPUTS = 25;

	static final String API_VERSION = "2022-11-28";

	static final String USER_AGENT = "tollgate";

	/** Bigger answers are not read: no legitimate answer comes near it. */
	static final int MAX_RESPONSE_BYTES = OutboundHttp.MAX_RESPONSE_BYTES;

	/** How much of GitHub's error {@code message} a failure quotes. */
	static final int MAX_MESSAGE_CHARS = 300;

	/**
	 * How far back a later attempt looks for a run an earlier attempt may have started.
	 */
	static final Duration RETRY_LOOKBACK = Duration.ofHours(24);

	/**
	 * How far back the look-up after a dispatch without run details goes (covers clock
	 * skew).
	 */
	static final Duration DISPATCH_LOOKBACK = Duration.ofMinutes(10);

	/**
	 * Look-ups for the run after a dispatch without run details (GitHub creates it
	 * asynchronously).
	 */
	static final int LOOKUPS_AFTER_DISPATCH = 3;

	/** A rate limit that names no time to wait: GitHub asks for at least a minute. */
	static final Duration RATE_LIMIT_WAIT = Duration.ofMinutes(1);

	private static final String DISPATCH_PATH = "/repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches";

	private static final String RUNS_PATH = "/repos/{owner}/{repo}/actions/workflows/{workflow}/runs"
			+ "?event=workflow_dispatch&created={created}&per_page={perPage}&page={page}";

	/**
	 * Runs per look-up page. Far below GitHub's maximum of 100: each run carries full
	 * repository and actor objects and its head commit's message (10–15 KB, more with
	 * long messages), and a page over the 1 MiB response cap fails the attempt rather
	 * than let a retry dispatch blind.
	 */
	static final int RUNS_PER_PAGE = 25;

	/**
	 * Pages a look-up reads at most (the newest 1,000 runs): newer runs of other
	 * decisions push the one sought back, so a busy workflow needs more than the first
	 * page; bounded so a look-up stays a few dozen requests at worst.
	 */
	static final int MAX_LOOKUP_PAGES = 40;

	private static final String ACCESS_TOKENS_PATH = "/app/installations/{installationId}/access_tokens";

	private static final MediaType GITHUB_JSON = MediaType.parseMediaType("application/vnd.github+json");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	// GitHub: owners are letters, digits and hyphens; repositories add '.' and '_'.
	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

	private static final String WORKFLOWS_DIR = ".github/workflows/";

	/** owner/name, as GitHub spells repositories. */
	private static final Pattern REPOSITORY = Pattern.compile("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$");

	private final OutboundHttp http;

	private final DefaultUriBuilderFactory uris = new DefaultUriBuilderFactory();

	private final Clock clock;

	private final Duration lookupDelay;

	private final GitHubAppAuth appAuth;

	@Autowired
	public GitHubActionsClient(OutboundPolicy policy, PipelineProperties properties) {
		this(policy, properties, Clock.systemUTC(), Duration.ofSeconds(2));
	}

	/**
	 * @param lookupDelay the wait before each look-up for the run after a dispatch that
	 * returned no run details
	 */
	GitHubActionsClient(OutboundPolicy policy, PipelineProperties properties, Clock clock, Duration lookupDelay) {
		this.http = new OutboundHttp(policy, properties.connectTimeout(), properties.readTimeout(), (builder) -> {
		});
		this.clock = clock;
		this.lookupDelay = lookupDelay;
		this.appAuth = new GitHubAppAuth(clock, this::fetchInstallationToken);
	}

	@Override
	public Target.Kind kind() {
		return Target.Kind.GITHUB_ACTIONS;
	}

	@Override
	public String valuesField() {
		return "inputs";
	}

	@Override
	public void check(Target target, Problems problems) {
		problems.allowed(target.auth(), "auth", "TOKEN", "APP");
		if ("APP".equals(target.auth())) {
			problems.require(target.appId(), "appId");
			problems.require(target.installationId(), "installationId");
		}
		problems.require(target.repository(), "repository");
		problems.require(target.workflow(), "workflow");
		problems.require(target.ref(), "ref");
		problems.require(target.credentialRef(), "credentialRef");
		if (target.repository() != null && !REPOSITORY.matcher(target.repository()).matches()) {
			problems.add("repository", "must be owner/name");
		}
		if (target.workflow() != null && !target.workflow().isBlank()) {
			// The same rule the trigger applies, said on save rather than by a dead job.
			String workflow = target.workflow().strip();
			if (workflow.startsWith(WORKFLOWS_DIR)) {
				workflow = workflow.substring(WORKFLOWS_DIR.length());
			}
			if (!validWorkflow(workflow)) {
				problems.add("workflow", "must be a workflow file name (deploy.yml) or id, not a path");
			}
		}
	}

	@Override
	public String cannotGate(Target target) {
		return "APP".equals(target.auth()) ? null
				: "a GitHub target can gate only with \"auth\": \"APP\": GitHub asks deployment protection rules "
						+ "of a GitHub App and takes their answer only from it";
	}

	private static boolean validWorkflow(String workflow) {
		return !workflow.isEmpty() && !workflow.equals(".") && !workflow.equals("..") && !workflow.contains("/")
				&& !workflow.contains("\\");
	}

	@Override
	public String webRoot(Target target) {
		String base = (target.baseUrl() != null && !target.baseUrl().isBlank()) ? target.baseUrl() : DEFAULT_BASE_URL;
		String origin = CallbackFields.origin(base.strip());
		return "https://api.github.com/".equals(origin) ? "https://github.com/" : origin;
	}

	@Override
	public String runScope(Target target) {
		return CallbackFields.scope(target.repository());
	}

	@Override
	public Run trigger(TriggerCall call) {
		Workflow workflow = Workflow.of(call.target());
		String decisionId = String.valueOf(call.request().decisionId());
		Map<String, String> inputs = inputs(call.values(), decisionId);
		Auth auth = this.appAuth.of(call.target(), call.credential(), workflow.base());
		if (call.attempt() > 1) {
			Run existing = findRun(workflow, auth, decisionId, this.clock.instant().minus(RETRY_LOOKBACK));
			if (existing != null) {
				log.info("A run for decision {} already exists on {}: {}; not dispatching again", decisionId, workflow,
						existing.runUrl());
				return existing;
			}
		}
		return dispatch(workflow, auth, inputs, decisionId);
	}

	@Override
	public Run findRun(TriggerCall call) {
		Workflow workflow = Workflow.of(call.target());
		Auth auth = this.appAuth.of(call.target(), call.credential(), workflow.base());
		return findRun(workflow, auth, String.valueOf(call.request().decisionId()),
				this.clock.instant().minus(RETRY_LOOKBACK));
	}

	@Override
	public void destroy() throws Exception {
		this.http.destroy();
	}

	// ---- dispatch ----

	private Run dispatch(Workflow workflow, Auth auth, Map<String, String> inputs, String decisionId) {
		URI uri = expand(workflow.base() + DISPATCH_PATH, workflow.owner(), workflow.repo(), workflow.workflow());
		boolean runDetails = true;
		boolean tokenRenewed = false;
		Instant dispatchedAt = this.clock.instant();
		// At most three requests: one without return_run_details, one with a renewed App
		// token.
		for (int request = 1;; request++) {
			String token = auth.token();
			Response response = send(HttpMethod.POST, uri, token, body(workflow.ref(), inputs, runDetails),
					"the dispatch to " + workflow, true);
			if (response.successful()) {
				Run run = runDetails(response);
				if (run != null) {
					return run;
				}
				// 204 (no run details): the run exists, its id is not known yet.
				Run found = findRunAfterDispatch(workflow, auth, decisionId, dispatchedAt.minus(DISPATCH_LOOKBACK));
				return (found != null) ? found : new Run(null, null);
			}
			if (request >= 3) {
				throw failure("the dispatch to " + workflow, response, Call.DISPATCH, token);
			}
			if (runDetails && (response.status() == 400 || response.status() == 422)
					&& response.bodyText().contains("return_run_details")) {
				// GHES up to 3.20 does not know the field: the dispatch did not happen,
				// send it again without it.
				log.info("{} rejected return_run_details with {}; dispatching again without it", workflow,
						response.status());
				runDetails = false;
				continue;
			}
			if (response.status() == 401 && auth.app() && !tokenRenewed) {
				// The installation token may have been revoked: never use it again.
				boolean wasCached = auth.dropToken(token);
				if (wasCached) {
					tokenRenewed = true;
					continue;
				}
			}
			throw failure("the dispatch to " + workflow, response, Call.DISPATCH, token);
		}
	}

	private static byte[] body(String ref, Map<String, String> inputs, boolean runDetails) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("ref", ref);
		body.put("inputs", inputs);
		if (runDetails) {
			body.put("return_run_details", true);
		}
		return JSON.writeValueAsBytes(body);
	}

	/** The run from a {@code return_run_details} answer; {@code null} if it has none. */
	private static Run runDetails(Response response) {
		JsonNode details = response.json();
		if (details == null) {
			return null;
		}
		String id = scalar(details.get("workflow_run_id"));
		if (id == null) {
			return null;
		}
		String url = text(details.get("html_url"));
		return new Run(id, (url != null) ? url : text(details.get("run_url")));
	}

	static Map<String, String> inputs(Map<String, String> values, String decisionId) {
		Map<String, String> inputs = new LinkedHashMap<>();
		if (values != null) {
			values.forEach((name, value) -> {
				if (!DECISION_INPUT.equals(name)) {
					inputs.put(name, (value != null) ? value : "");
				}
			});
		}
		inputs.put(DECISION_INPUT, decisionId);
		if (inputs.size() > MAX_INPUTS) {
			throw TriggerFailure.permanent("GitHub accepts at most " + MAX_INPUTS
					+ " workflow_dispatch inputs, and the target has " + (inputs.size() - 1) + " plus " + DECISION_INPUT
					+ ": remove " + (inputs.size() - MAX_INPUTS) + ".");
		}
		return inputs;
	}

	// ---- finding a run by decision id ----

	private Run findRunAfterDispatch(Workflow workflow, Auth auth, String decisionId, Instant since) {
		for (int lookup = 0; lookup < LOOKUPS_AFTER_DISPATCH; lookup++) {
			if (!pause(this.lookupDelay)) {
				return null;
			}
			Run run;
			try {
				run = findRun(workflow, auth, decisionId, since);
			}
			catch (TriggerFailure ex) {
				// This attempt's dispatch was accepted: a look-up that cannot answer only
				// loses the link.
				return null;
			}
			if (run != null) {
				return run;
			}
		}
		log.info("{} started a run for decision {} without telling its id, and no run named with the decision id "
				+ "was found (set run-name to include ${{ inputs.{} }})", workflow, decisionId, DECISION_INPUT);
		return null;
	}

	/**
	 * A workflow_dispatch run whose name carries the decision id, looked for newest first
	 * across up to {@value #MAX_LOOKUP_PAGES} pages; {@code null} if none or on a
	 * permanent failure.
	 * @throws TriggerFailure (transient) if GitHub could not answer: see
	 * PipelineHttp#refuseBlindRedispatch
	 */
	private Run findRun(Workflow workflow, Auth auth, String decisionId, Instant since) {
		// Outside the try: without a token the dispatch cannot happen either, so that
		// failure counts.
		String token = auth.token();
		try {
			String created = ">=" + DateTimeFormatter.ISO_INSTANT.format(since.truncatedTo(ChronoUnit.SECONDS));
			for (int page = 1; page <= MAX_LOOKUP_PAGES; page++) {
				URI uri = expand(workflow.base() + RUNS_PATH, workflow.owner(), workflow.repo(), workflow.workflow(),
						created, RUNS_PER_PAGE, page);
				Response response = send(HttpMethod.GET, uri, token, null, "the run look-up on " + workflow, false);
				if (!response.successful()) {
					if (response.status() == 401) {
						auth.dropToken(token);
					}
					// As refuseBlindRedispatch, with GitHub's own reading of a rate limit
					// (429, or 403 with its
					// rate-limit signs) and of when to try again.
					TriggerFailure failure = failure("the look-up for an earlier attempt's run", response,
							Call.DISPATCH, token);
					if (!failure.permanent()) {
						throw failure;
					}
					log.debug("Looking for the run of decision {} on {} failed with {}", decisionId, workflow,
							response.status());
					return null;
				}
				JsonNode runs = (response.json() != null) ? response.json().get("workflow_runs") : null;
				if (runs == null || !runs.isArray()) {
					throw PipelineHttp.unreadableLookup("GitHub");
				}
				for (JsonNode run : runs.values()) {
					String name = text(run.get("name"));
					String title = text(run.get("display_title"));
					if ((name != null && name.contains(decisionId)) || (title != null && title.contains(decisionId))) {
						String id = scalar(run.get("id"));
						String url = text(run.get("html_url"));
						return new Run(id, (url != null) ? url : text(run.get("url")));
					}
				}
				if (runs.size() < RUNS_PER_PAGE) {
					return null;
				}
			}
			log.info("No run for decision {} among the newest {} runs on {}; dispatching again", decisionId,
					MAX_LOOKUP_PAGES * RUNS_PER_PAGE, workflow);
			return null;
		}
		catch (RuntimeException ex) {
			PipelineHttp.rethrowIfTransient(ex);
			// A permanent failure: the look-up cannot work, so the caller dispatches
			// (again).
			log.debug("Looking for the run of decision {} on {} failed: {}", decisionId, workflow,
					ex.getClass().getSimpleName());
			return null;
		}
	}

	private static boolean pause(Duration delay) {
		if (delay.isZero() || delay.isNegative()) {
			return true;
		}
		try {
			Thread.sleep(delay.toMillis());
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	// ---- authentication ----

	/** Buys an installation token with the App's JWT. */
	private InstallationToken fetchInstallationToken(TokenKey key, String jwt) {
		URI uri = expand(key.base() + ACCESS_TOKENS_PATH, key.installationId());
		String what = "the installation token request for GitHub App " + key.appId() + " (installation "
				+ key.installationId() + ")";
		Response response = send(HttpMethod.POST, uri, jwt, null, what, false);
		if (!response.successful()) {
			throw failure(what, response, Call.ACCESS_TOKEN, jwt);
		}
		JsonNode answer = response.json();
		String token = (answer != null) ? text(answer.get("token")) : null;
		if (token == null || token.isBlank()) {
			throw TriggerFailure.transientFailure(
					"GitHub answered " + what + " with " + response.status() + " but without a token.", null);
		}
		Instant expiresAt = instant(text(answer.get("expires_at")));
		return new InstallationToken(new Secret(token), expiresAt);
	}

	// ---- HTTP ----

	/**
	 * One request; the answer with its body read (bounded). Transport failures become
	 * transient {@link TriggerFailure}s, a refusal by the outbound policy a permanent
	 * one.
	 * @param afterSent whether a timeout after sending leaves the outcome unknown (worth
	 * saying)
	 */
	private Response send(HttpMethod method, URI uri, String bearer, byte[] body, String what, boolean afterSent) {
		try {
			Answer answer = this.http.exchange(method, uri, (headers) -> {
				headers.setBearerAuth(bearer);
				headers.setAccept(List.of(GITHUB_JSON));
				headers.set("X-GitHub-Api-Version", API_VERSION);
				headers.set(HttpHeaders.USER_AGENT, USER_AGENT);
			}, body, MediaType.APPLICATION_JSON);
			// A body over the limit is not read at all: a page cut short could hide the
			// run sought.
			return new Response(answer.status(), answer.headers(), answer.truncated() ? new byte[0] : answer.body(),
					answer.truncated());
		}
		catch (OutboundRefused ex) {
			throw TriggerFailure.permanent("Tollgate may not call GitHub for " + what + ": " + ex.getMessage());
		}
		catch (Unreachable ex) {
			throw unreachable(what, ex, afterSent);
		}
	}

	private TriggerFailure unreachable(String what, Unreachable ex, boolean afterSent) {
		String cause = ex.reason().getClass().getSimpleName();
		String reason;
		if (ex.connectFailure()) {
			reason = "could not connect to GitHub (" + cause + ")";
		}
		else if (ex.timedOut()) {
			reason = "GitHub did not answer within " + this.http.readTimeout().toMillis() + " ms";
		}
		else {
			reason = "the connection to GitHub failed (" + cause + ")";
		}
		String unknown = (afterSent && !ex.connectFailure())
				? "; the outcome is unknown, so the next attempt first looks for a run carrying the decision id" : "";
		return TriggerFailure.transientFailure("GitHub: " + what + " failed: " + reason + unknown + ".", null);
	}

	/**
	 * One authenticated request a gate makes (GitHubGates), with the target's App
	 * installation token renewed once if GitHub refuses a cached one.
	 * @return the answer's JSON object, {@code null} when it has none (204)
	 * @throws TriggerFailure for any answer but 2xx, classified as for a dispatch
	 */
	JsonNode gateCall(HttpMethod method, URI uri, Target target, Secret credential, Object body, String what) {
		Auth auth = this.appAuth.of(target, credential, Workflow.base(target.baseUrl()));
		byte[] bytes = (body != null) ? JSON.writeValueAsBytes(body) : null;
		String token = auth.token();
		Response response = send(method, uri, token, bytes, what, false);
		if (response.status() == 401 && auth.app() && auth.dropToken(token)) {
			token = auth.token();
			response = send(method, uri, token, bytes, what, false);
		}
		if (!response.successful()) {
			throw failure(what, response, Call.GATE, token);
		}
		return response.json();
	}

	URI expand(String template, Object... variables) {
		return this.uris.expand(template, variables);
	}

	/** A response with its body; the body is empty if it was too large to read. */
	private record Response(int status, HttpHeaders headers, byte[] body, boolean truncated) {

		boolean successful() {
			return this.status >= 200 && this.status <= 299;
		}

		String bodyText() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

		JsonNode json() {
			if (this.body.length == 0) {
				return null;
			}
			try {
				JsonNode node = JSON.readTree(this.body);
				return (node != null && node.isObject()) ? node : null;
			}
			catch (JacksonException ex) {
				return null;
			}
		}

		/**
		 * GitHub's error {@code message}, bounded and on one line; {@code null} if there
		 * is none.
		 */
		String message() {
			JsonNode json = json();
			String message = (json != null) ? text(json.get("message")) : null;
			if (message == null || message.isBlank()) {
				return null;
			}
			String line = message.replaceAll("[\\p{Cntrl}]+", " ").strip();
			return (line.length() > MAX_MESSAGE_CHARS) ? line.substring(0, MAX_MESSAGE_CHARS) + "…" : line;
		}

		@Override
		public String toString() {
			return "Response[" + this.status + "]";
		}

	}

	// ---- failure classes ----

	private enum Call {

		DISPATCH, ACCESS_TOKEN, GATE

	}

	/**
	 * The failure for a non-2xx answer: rate limits, 408 and 5xx are transient (not
	 * before the time GitHub names); anything else is permanent.
	 * @param hidden values that must not appear in the message (the token or JWT)
	 */
	private TriggerFailure failure(String what, Response response, Call call, String hidden) {
		int status = response.status();
		String message = response.message();
		String quoted = (message != null) ? " GitHub says: \"" + redact(message, hidden) + "\"" : "";
		Instant now = this.clock.instant();
		Instant retryAfter = RetryAfter.parse(response.headers().getFirst(HttpHeaders.RETRY_AFTER), now);
		String remaining = response.headers().getFirst("x-ratelimit-remaining");
		Instant reset = RetryAfter.epochSeconds(response.headers().getFirst("x-ratelimit-reset"));
		boolean exhausted = remaining != null && remaining.strip().equals("0");
		boolean limitMessage = message != null && message.toLowerCase(Locale.ROOT).contains("rate limit");
		if (status == 429 || (status == 403 && (retryAfter != null || exhausted || limitMessage))) {
			Instant until = (retryAfter != null) ? retryAfter
					: (exhausted && reset != null) ? reset : now.plus(RATE_LIMIT_WAIT);
			return TriggerFailure.transientFailure(
					"GitHub rate-limited " + what + " (" + status + "); retrying after " + until + "." + quoted, until);
		}
		if (OutboundHttp.transientStatus(status)) {
			return TriggerFailure.transientFailure("GitHub failed " + what + " with " + status + "." + quoted,
					retryAfter);
		}
		return TriggerFailure
			.permanent("GitHub refused " + what + " with " + status + ": " + reason(call, status) + "." + quoted);
	}

	private static String reason(Call call, int status) {
		if (call == Call.GATE) {
			return switch (status) {
				case 401 -> "bad credentials; the App's installation token was not accepted";
				case 403 -> "the App lacks permission (Actions: read, Deployments: read and write)";
				case 404 -> "run or repository not found, or the App is not installed on it";
				case 422 -> "GitHub does not wait for this review (answered already, or the run moved on)";
				default -> "the request was not accepted";
			};
		}
		if (call == Call.ACCESS_TOKEN) {
			switch (status) {
				case 401:
					return "the App's JWT was not accepted; check the appId, the private key and this server's clock";
				case 403:
					return "the App may not create an installation token";
				case 404:
					return "no such installation of this App";
				case 422:
					return "the installation token request was not accepted";
				default:
					break;
			}
		}
		else {
			switch (status) {
				case 400:
					return "the request was not accepted";
				case 401:
					return "bad credentials; the token is invalid, expired or revoked";
				case 403:
					return "the token lacks permission (fine-grained token: Actions write; App: actions write)";
				case 404:
					return "workflow or repository not found, or the token cannot see it";
				case 422:
					return "the workflow has no workflow_dispatch trigger, an input is unexpected or missing, "
							+ "or the ref does not exist";
				default:
					break;
			}
		}
		if (status >= 300 && status < 400) {
			return "a redirect, which is not followed (has the repository moved or been renamed?)";
		}
		return "unexpected status";
	}

	private static String redact(String text, String hidden) {
		return (hidden != null && !hidden.isEmpty()) ? text.replace(hidden, "[hidden]") : text;
	}

	private static Instant instant(String value) {
		if (value == null) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value).toInstant();
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	private static String text(JsonNode node) {
		return (node != null && node.isString()) ? node.stringValue() : null;
	}

	/** A number or string id as text. */
	private static String scalar(JsonNode node) {
		if (node == null) {
			return null;
		}
		if (node.isIntegralNumber()) {
			return String.valueOf(node.asLong());
		}
		return (node.isString() && !node.stringValue().isBlank()) ? node.stringValue() : null;
	}

	// ---- the target ----

	/**
	 * What the target names, checked: base URL (no trailing slash), owner, repo,
	 * workflow, ref.
	 */
	record Workflow(String base, String owner, String repo, String workflow, String ref) {

		static Workflow of(Target target) {
			String base = base(target.baseUrl());
			String repository = (target.repository() != null) ? target.repository().strip() : "";
			String[] parts = repository.split("/", -1);
			if (parts.length != 2 || !validName(parts[0]) || !validName(parts[1])) {
				throw TriggerFailure
					.permanent("The GitHub target's repository must be \"owner/name\", not \"" + repository + "\".");
			}
			String workflow = (target.workflow() != null) ? target.workflow().strip() : "";
			if (workflow.startsWith(WORKFLOWS_DIR)) {
				workflow = workflow.substring(WORKFLOWS_DIR.length());
			}
			if (!validWorkflow(workflow)) {
				throw TriggerFailure.permanent("The GitHub target's workflow must be a workflow file name "
						+ "(deploy.yml) or id, not \"" + target.workflow() + "\".");
			}
			String ref = (target.ref() != null) ? target.ref().strip() : "";
			if (ref.isEmpty()) {
				throw TriggerFailure.permanent("The GitHub target has no ref (the branch or tag to run on).");
			}
			return new Workflow(base, parts[0], parts[1], workflow, ref);
		}

		private static boolean validName(String name) {
			return NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
		}

		/**
		 * The API base: https://api.github.com, or https://host/api/v3 for GitHub
		 * Enterprise Server.
		 */
		static String base(String configured) {
			String base = (configured != null && !configured.isBlank()) ? configured.strip() : DEFAULT_BASE_URL;
			while (base.endsWith("/")) {
				base = base.substring(0, base.length() - 1);
			}
			URI uri;
			try {
				uri = URI.create(base);
			}
			catch (IllegalArgumentException ex) {
				throw TriggerFailure.permanent("The GitHub target's baseUrl is not a valid URL.");
			}
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			// No query, fragment, user info or escapes: the base is a literal prefix of
			// URI templates.
			if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getRawQuery() != null
					|| uri.getRawFragment() != null || uri.getRawUserInfo() != null || base.contains("%")) {
				throw TriggerFailure.permanent("The GitHub target's baseUrl must look like " + DEFAULT_BASE_URL
						+ " or https://ghes.example.com/api/v3.");
			}
			return base;
		}

		@Override
		public String toString() {
			return this.owner + "/" + this.repo + " workflow " + this.workflow;
		}

	}

}
