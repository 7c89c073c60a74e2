package dev.tollgate.pipeline.github;

import java.net.URI;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.pipeline.github.GitHubAppAuth.Auth;
import dev.tollgate.pipeline.github.GitHubAppAuth.InstallationToken;
import dev.tollgate.pipeline.github.GitHubAppAuth.TokenKey;
import dev.tollgate.pipeline.github.GitHubFailures.Call;
import dev.tollgate.pipeline.github.GitHubTransport.Response;
import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.policy.Target;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

/**
 * GitHub Actions {@code workflow_dispatch}, on GitHub.com or GitHub Enterprise Server
 * ({@code https://host/api/v3}), through the {@link OutboundPolicy}. This class is the
 * provider the rest of Tollgate calls and decides what each attempt does; the parts it
 * relies on each have their own class: {@link GitHubWorkflow} (the target, checked),
 * {@link GitHubTransport} (one request), {@link GitHubFailures} (what an answer means),
 * {@link GitHubRuns} (finding a decision's run) and {@link GitHubAppAuth}.
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

	/**
	 * The input the decision id is sent under; the workflow declares it and puts it in
	 * its run-name.
	 */
	static final String DECISION_INPUT = "tollgate_decision_id";

	/** GitHub's limit on workflow_dispatch inputs, the decision id included. */
	static final int MAX_INPUTS = 25;

	/**
	 * How far back a later attempt looks for a run an earlier attempt may have started.
	 */
	static final Duration RETRY_LOOKBACK = Duration.ofHours(24);

	/**
	 * How far back the look-up after a dispatch without run details goes (covers clock
	 * skew).
	 */
	static final Duration DISPATCH_LOOKBACK = Duration.ofMinutes(10);

	private static final String DISPATCH_PATH = "/repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches";

	private static final String ACCESS_TOKENS_PATH = "/app/installations/{installationId}/access_tokens";

	private final GitHubTransport transport;

	private final GitHubFailures failures;

	private final GitHubRuns runs;

	private final Clock clock;

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
		this.transport = new GitHubTransport(policy, properties);
		this.failures = new GitHubFailures(clock);
		this.runs = new GitHubRuns(this.transport, this.failures, lookupDelay);
		this.clock = clock;
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
		GitHubWorkflow.check(target, problems);
	}

	@Override
	public String cannotGate(Target target) {
		return "APP".equals(target.auth()) ? null
				: "a GitHub target can gate only with \"auth\": \"APP\": GitHub asks deployment protection rules "
						+ "of a GitHub App and takes their answer only from it";
	}

	@Override
	public String webRoot(Target target) {
		String base = (target.baseUrl() != null && !target.baseUrl().isBlank()) ? target.baseUrl()
				: GitHubWorkflow.DEFAULT_BASE_URL;
		String origin = CallbackFields.origin(base.strip());
		return "https://api.github.com/".equals(origin) ? "https://github.com/" : origin;
	}

	@Override
	public String runScope(Target target) {
		return CallbackFields.scope(target.repository());
	}

	@Override
	public Run trigger(TriggerCall call) {
		GitHubWorkflow workflow = GitHubWorkflow.of(call.target());
		String decisionId = String.valueOf(call.request().decisionId());
		Map<String, String> inputs = inputs(call.values(), decisionId);
		Auth auth = this.appAuth.of(call.target(), call.credential(), workflow.base());
		if (call.attempt() > 1) {
			Run existing = this.runs.find(workflow, auth, decisionId, this.clock.instant().minus(RETRY_LOOKBACK));
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
		GitHubWorkflow workflow = GitHubWorkflow.of(call.target());
		Auth auth = this.appAuth.of(call.target(), call.credential(), workflow.base());
		return this.runs.find(workflow, auth, String.valueOf(call.request().decisionId()),
				this.clock.instant().minus(RETRY_LOOKBACK));
	}

	@Override
	public void destroy() throws Exception {
		this.transport.destroy();
	}

	// ---- dispatch ----

	private Run dispatch(GitHubWorkflow workflow, Auth auth, Map<String, String> inputs, String decisionId) {
		URI uri = expand(workflow.base() + DISPATCH_PATH, workflow.owner(), workflow.repo(), workflow.workflow());
		boolean runDetails = true;
		boolean tokenRenewed = false;
		Instant dispatchedAt = this.clock.instant();
		// At most three requests: one without return_run_details, one with a renewed App
		// token.
		for (int request = 1;; request++) {
			String token = auth.token();
			Response response = this.transport.send(HttpMethod.POST, uri, token,
					body(workflow.ref(), inputs, runDetails), "the dispatch to " + workflow, true);
			if (response.successful()) {
				Run run = runDetails(response);
				if (run != null) {
					return run;
				}
				// 204 (no run details): the run exists, its id is not known yet.
				Run found = this.runs.findAfterDispatch(workflow, auth, decisionId,
						dispatchedAt.minus(DISPATCH_LOOKBACK));
				return (found != null) ? found : new Run(null, null);
			}
			if (request >= 3) {
				throw this.failures.failure("the dispatch to " + workflow, response, Call.DISPATCH, token);
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
			throw this.failures.failure("the dispatch to " + workflow, response, Call.DISPATCH, token);
		}
	}

	private static byte[] body(String ref, Map<String, String> inputs, boolean runDetails) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("ref", ref);
		body.put("inputs", inputs);
		if (runDetails) {
			body.put("return_run_details", true);
		}
		return GitHubTransport.JSON.writeValueAsBytes(body);
	}

	/** The run from a {@code return_run_details} answer; {@code null} if it has none. */
	private static Run runDetails(Response response) {
		JsonNode details = response.json();
		if (details == null) {
			return null;
		}
		String id = GitHubTransport.scalar(details.get("workflow_run_id"));
		if (id == null) {
			return null;
		}
		String url = GitHubTransport.text(details.get("html_url"));
		return new Run(id, (url != null) ? url : GitHubTransport.text(details.get("run_url")));
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

	// ---- authentication ----

	/** Buys an installation token with the App's JWT. */
	private InstallationToken fetchInstallationToken(TokenKey key, String jwt) {
		URI uri = expand(key.base() + ACCESS_TOKENS_PATH, key.installationId());
		String what = "the installation token request for GitHub App " + key.appId() + " (installation "
				+ key.installationId() + ")";
		Response response = this.transport.send(HttpMethod.POST, uri, jwt, null, what, false);
		if (!response.successful()) {
			throw this.failures.failure(what, response, Call.ACCESS_TOKEN, jwt);
		}
		JsonNode answer = response.json();
		String token = (answer != null) ? GitHubTransport.text(answer.get("token")) : null;
		if (token == null || token.isBlank()) {
			throw TriggerFailure.transientFailure(
					"GitHub answered " + what + " with " + response.status() + " but without a token.", null);
		}
		Instant expiresAt = instant(GitHubTransport.text(answer.get("expires_at")));
		return new InstallationToken(new Secret(token), expiresAt);
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

	// ---- gates ----

	/**
	 * One authenticated request a gate makes (GitHubGates), with the target's App
	 * installation token renewed once if GitHub refuses a cached one.
	 * @return the answer's JSON object, {@code null} when it has none (204)
	 * @throws TriggerFailure for any answer but 2xx, classified as for a dispatch
	 */
	JsonNode gateCall(HttpMethod method, URI uri, Target target, Secret credential, Object body, String what) {
		Auth auth = this.appAuth.of(target, credential, GitHubWorkflow.base(target.baseUrl()));
		byte[] bytes = (body != null) ? GitHubTransport.JSON.writeValueAsBytes(body) : null;
		String token = auth.token();
		Response response = this.transport.send(method, uri, token, bytes, what, false);
		if (response.status() == 401 && auth.app() && auth.dropToken(token)) {
			token = auth.token();
			response = this.transport.send(method, uri, token, bytes, what, false);
		}
		if (!response.successful()) {
			throw this.failures.failure(what, response, Call.GATE, token);
		}
		return response.json();
	}

	URI expand(String template, Object... variables) {
		return this.transport.expand(template, variables);
	}

}
