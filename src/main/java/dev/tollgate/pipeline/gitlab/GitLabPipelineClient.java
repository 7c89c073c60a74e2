package dev.tollgate.pipeline.gitlab;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.pipeline.support.PipelineHttp;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.outbound.RetryAfter;
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
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriUtils;

import static dev.tollgate.pipeline.support.PipelineHttp.bounded;
import static dev.tollgate.pipeline.support.PipelineHttp.formEncode;
import static dev.tollgate.pipeline.support.PipelineHttp.parse;
import static dev.tollgate.pipeline.support.PipelineHttp.queryEncode;
import static dev.tollgate.pipeline.support.PipelineHttp.scalar;
import static dev.tollgate.pipeline.support.PipelineHttp.withoutQuery;

/**
 * Starts GitLab CI/CD pipelines, on gitlab.com or a self-managed instance (with or
 * without a relative root such as {@code https://acme.io/gitlab}).
 * <ul>
 * <li>{@code auth: TRIGGER_TOKEN} (default): {@code POST
 * /api/v4/projects/{id}/trigger/pipeline}, form-encoded {@code token}, {@code ref},
 * {@code variables[NAME]=value};</li>
 * <li>{@code auth: ACCESS_TOKEN}: {@code POST /api/v4/projects/{id}/pipeline} with
 * {@code PRIVATE-TOKEN} and a JSON body of {@code ref} and {@code variables}.</li>
 * </ul>
 * The decision id always travels as {@code TOLLGATE_DECISION_ID}. Where the project
 * refuses pipeline variables (GitLab 18 default for new projects), the same values are
 * sent once more as pipeline {@code inputs}, which the CI file must declare under
 * {@code spec:inputs}.
 * <p>
 * On a repeated attempt ("outcome unknown" after a timeout) with an access token, the
 * recent pipelines of the ref are searched for the decision id (in the pipeline's name,
 * or its variables) before anything is sent again. GitLab does not show a pipeline's
 * inputs, so in inputs mode only a {@code workflow:name} carrying the id can be found; a
 * repeated attempt that finds nothing there is refused rather than sent blind. A trigger
 * token cannot read pipelines, so then the trigger is re-sent (the pipeline can spot the
 * repeat by the decision id).
 * <p>
 * The project path is encoded as one path segment ({@code acme/shop} →
 * {@code acme%2Fshop}) and the URI is handed over already encoded, so it is never encoded
 * twice.
 */
@Component
public class GitLabPipelineClient implements PipelineProvider, DisposableBean {

	static final String DEFAULT_BASE_URL = "https://gitlab.com";

	static final String TRIGGER_TOKEN = "TRIGGER_TOKEN";

	static final String ACCESS_TOKEN = "ACCESS_TOKEN";

	/**
	 * At most this many pipelines' variables are read when looking for an earlier
	 * attempt's run.
	 */
	static final int MAX_VARIABLE_LOOKUPS = 5;

	/**
	 * Pipelines created longer ago than this are not candidates for an earlier attempt's
	 * run, and the look-up reads no further than the first of them.
	 */
	static final Duration LOOKUP_WINDOW = Duration.ofHours(6);

	/** Pipelines per look-up page (GitLab's maximum). */
	static final int PIPELINES_PER_PAGE = 100;

	/**
	 * Pages a look-up reads at most: newer pipelines (other decisions, pushes) push the
	 * one sought back, so a busy ref needs more than the first page; bounded so a look-up
	 * stays a few requests.
	 */
	static final int MAX_LOOKUP_PAGES = 10;

	static final int MAX_RESPONSE_BYTES = PipelineHttp.MAX_RESPONSE_BYTES;

	static final int MAX_REASON_CHARS = PipelineHttp.MAX_REASON_CHARS;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final OutboundHttp http;

	private final Clock clock;

	@Autowired
	public GitLabPipelineClient(OutboundPolicy policy, PipelineProperties properties) {
		this(policy, properties, Clock.systemUTC());
	}

	GitLabPipelineClient(OutboundPolicy policy, PipelineProperties properties, Clock clock) {
		this.http = new OutboundHttp(policy, properties.connectTimeout(), properties.readTimeout(),
				(builder) -> builder.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
					.defaultHeader(HttpHeaders.USER_AGENT, "Tollgate"));
		this.clock = clock;
	}

	@Override
	public Target.Kind kind() {
		return Target.Kind.GITLAB;
	}

	@Override
	public String valuesField() {
		return "variables";
	}

	@Override
	public void check(Target target, Problems problems) {
		problems.allowed(target.auth(), "auth", "TRIGGER_TOKEN", "ACCESS_TOKEN");
		problems.require(target.project(), "project");
		if (StringUtils.hasText(target.project())) {
			try {
				projectSegment(target.project());
			}
			catch (TriggerFailure ex) {
				problems.add("project", "must be a numeric id or a path like group/project, without . or .. parts");
			}
		}
		problems.require(target.ref(), "ref");
		problems.require(target.credentialRef(), "credentialRef");
	}

	@Override
	public String webRoot(Target target) {
		try {
			return CallbackFields.root(baseUrl(target.baseUrl()));
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	@Override
	public String runScope(Target target) {
		return CallbackFields.scope(target.project());
	}

	/**
	 * GitLab answers a protected environment's approval only from a user who may approve
	 * it: the access token's user, named as the environment's required approver. A
	 * trigger token can start pipelines, nothing more.
	 */
	@Override
	public String cannotGate(Target target) {
		return ACCESS_TOKEN.equals(target.auth()) ? null
				: "a GitLab target can gate only with \"auth\": \"ACCESS_TOKEN\": the token's user is the required "
						+ "approver of the protected environment, and a trigger token cannot approve deployments";
	}

	@Override
	public Run trigger(TriggerCall call) {
		Target target = call.target();
		String auth = auth(target.auth());
		String base = baseUrl(target.baseUrl());
		String project = projectSegment(target.project());
		if (!StringUtils.hasText(target.ref())) {
			throw TriggerFailure.permanent("The GitLab target has no ref (branch or tag to run the pipeline on).");
		}
		if (call.credential() == null) {
			throw TriggerFailure.permanent("The GitLab target has no credential.");
		}
		String decisionId = call.request().decisionId().toString();
		Map<String, String> values = new LinkedHashMap<>(call.values());
		values.remove(Templates.DECISION_ID);
		values.put(Templates.DECISION_ID, decisionId);
		Context context = new Context(base, project, target.ref(), call.credential().reveal());
		if (ACCESS_TOKEN.equals(auth)) {
			if (call.attempt() > 1) {
				Run earlier = findRun(call);
				if (earlier != null) {
					return earlier;
				}
			}
			return createWithAccessToken(context, values, call.attempt() > 1);
		}
		return createWithTriggerToken(context, values);
	}

	/** Only an access token can list pipelines; a trigger token cannot. */
	@Override
	public Run findRun(TriggerCall call) {
		Target target = call.target();
		if (!ACCESS_TOKEN.equals(auth(target.auth())) || call.credential() == null) {
			return null;
		}
		Context context = new Context(baseUrl(target.baseUrl()), projectSegment(target.project()), target.ref(),
				call.credential().reveal());
		return findPipeline(context, call.request().decisionId().toString());
	}

	@Override
	public void destroy() throws Exception {
		this.http.destroy();
	}

	private Run createWithTriggerToken(Context context, Map<String, String> values) {
		String path = context.projectPath() + "/trigger/pipeline";
		Response response = send(context, HttpMethod.POST, path, triggerForm(context, "variables", values),
				MediaType.APPLICATION_FORM_URLENCODED, false);
		if (variablesRefused(response)) {
			Response retry = send(context, HttpMethod.POST, path, triggerForm(context, "inputs", values),
					MediaType.APPLICATION_FORM_URLENCODED, false);
			return created(context, "POST " + path, retry, true);
		}
		return created(context, "POST " + path, response, false);
	}

	/**
	 * @param repeated an earlier attempt's outcome is unknown and the look-up found no
	 * pipeline for the decision
	 */
	private Run createWithAccessToken(Context context, Map<String, String> values, boolean repeated) {
		String path = context.projectPath() + "/pipeline";
		List<Map<String, String>> variables = new ArrayList<>();
		values.forEach((key, value) -> {
			Map<String, String> variable = new LinkedHashMap<>();
			variable.put("key", key);
			variable.put("value", value);
			variable.put("variable_type", "env_var");
			variables.add(variable);
		});
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("ref", context.ref());
		body.put("variables", variables);
		Response response = send(context, HttpMethod.POST, path, JSON.writeValueAsBytes(body),
				MediaType.APPLICATION_JSON, true);
		if (variablesRefused(response)) {
			if (repeated) {
				// GitLab shows a pipeline's variables but not its inputs: the look-up
				// could
				// only have found an inputs pipeline by a workflow:name carrying the
				// decision id. Not finding one proves nothing, so sending again could
				// start
				// a second pipeline.
				throw TriggerFailure.permanent(inputsRetryRefused(context, values.get(Templates.DECISION_ID)));
			}
			Map<String, Object> withInputs = new LinkedHashMap<>();
			withInputs.put("ref", context.ref());
			withInputs.put("inputs", new LinkedHashMap<>(values));
			Response retry = send(context, HttpMethod.POST, path, JSON.writeValueAsBytes(withInputs),
					MediaType.APPLICATION_JSON, true);
			return created(context, "POST " + path, retry, true);
		}
		return created(context, "POST " + path, response, false);
	}

	private static String inputsRetryRefused(Context context, String decisionId) {
		return "An earlier attempt's outcome is unknown and the project takes pipeline inputs, not variables: "
				+ "GitLab does not show a pipeline's inputs, so its pipeline can only be found by a workflow:name "
				+ "carrying the decision id, and no pipeline on " + context.ref() + " has one for " + decisionId
				+ ". Not sent again, so as not to start a second pipeline. If no pipeline ran for it, re-queue "
				+ "this job; set workflow: name: \"tollgate $[[ inputs." + Templates.DECISION_ID
				+ " ]]\" in the CI file so that retries find it.";
	}

	private static byte[] triggerForm(Context context, String valuesName, Map<String, String> values) {
		StringJoiner form = new StringJoiner("&");
		form.add("token=" + formEncode(context.credential()));
		form.add("ref=" + formEncode(context.ref()));
		values.forEach((key, value) -> form.add(formEncode(valuesName + "[" + key + "]") + "=" + formEncode(value)));
		return form.toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * GitLab refuses pipeline variables on this project
	 * (ci_pipeline_variables_minimum_override_role).
	 */
	private static boolean variablesRefused(Response response) {
		if (response.status() != 400 && response.status() != 403) {
			return false;
		}
		String text = new String(response.body(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
		return text.contains("variables") && (text.contains("permission") || text.contains("not allowed"));
	}

	private Run created(Context context, String call, Response response, boolean asInputs) {
		int status = response.status();
		if (status >= 200 && status <= 299) {
			JsonNode pipeline = parse(response.body());
			String id = (pipeline != null) ? scalar(pipeline.path("id")) : null;
			String url = (pipeline != null) ? scalar(pipeline.path("web_url")) : null;
			return new Run(id, url);
		}
		String reason = context.scrub(message(response.body()));
		String said = "GitLab answered " + status + " to " + call + ((reason != null) ? ": " + reason : "") + ".";
		Instant retryAfter = retryAfter(response.headers(), this.clock.instant());
		if (OutboundHttp.transientStatus(status)) {
			throw TriggerFailure.transientFailure(said, retryAfter);
		}
		if (asInputs) {
			throw TriggerFailure.permanent("The project does not permit pipeline variables, and passing the values "
					+ "as pipeline inputs failed too: " + said + " Declare the inputs (including "
					+ Templates.DECISION_ID + ") under spec:inputs in the CI file, or let the token's role set "
					+ "pipeline variables.");
		}
		throw TriggerFailure.permanent(said + hint(status));
	}

	private static String hint(int status) {
		return switch (status) {
			case 400 -> " Check the ref and that the pipeline has jobs for it.";
			case 401 -> " The token is not accepted (revoked, expired or lacking the api scope).";
			case 403 -> " The token's role may not run pipelines on this ref (protected branch?).";
			case 404 -> " The project is not visible to the token, or the trigger token is invalid.";
			default -> "";
		};
	}

	/**
	 * Looks for a pipeline an earlier attempt started among the ref's pipelines, newest
	 * first, up to {@value #MAX_LOOKUP_PAGES} pages of {@value #PIPELINES_PER_PAGE}, no
	 * page beyond the first that reaches pipelines created before {@link #LOOKUP_WINDOW}:
	 * matched by a workflow name carrying the decision id or, for the
	 * {@value #MAX_VARIABLE_LOOKUPS} newest created within the window, by their
	 * {@code TOLLGATE_DECISION_ID} variable (one call each, so bounded). A 429, 5xx or no
	 * answer to the list fails the attempt transiently (no blind second dispatch); other
	 * failures mean "not found".
	 */
	private Run findPipeline(Context context, String decisionId) {
		try {
			Instant since = this.clock.instant().minus(LOOKUP_WINDOW);
			// No updated_after filter: the first page is read whatever the pipelines' age
			// (as the
			// 20 newest were before); the window only ends the paging, on created_at.
			String listPath = context.projectPath() + "/pipelines?ref=" + queryEncode(context.ref())
					+ "&order_by=id&sort=desc&per_page=" + PIPELINES_PER_PAGE + "&page=";
			int variableLookups = 0;
			for (int page = 1; page <= MAX_LOOKUP_PAGES; page++) {
				Response list = send(context, HttpMethod.GET, listPath + page, null, null, true);
				PipelineHttp.refuseBlindRedispatch("GitLab", list.status());
				if (list.status() != 200) {
					return null;
				}
				JsonNode pipelines = parse(list.body());
				if (pipelines == null || !pipelines.isArray()) {
					throw PipelineHttp.unreadableLookup("GitLab");
				}
				List<JsonNode> candidates = new ArrayList<>();
				boolean pastWindow = false;
				for (JsonNode pipeline : pipelines) {
					String id = scalar(pipeline.path("id"));
					if (id == null || !id.chars().allMatch(Character::isDigit)) {
						continue;
					}
					String name = scalar(pipeline.path("name"));
					if (name != null && name.contains(decisionId)) {
						return new Run(id, scalar(pipeline.path("web_url")));
					}
					if (createdSince(pipeline, since)) {
						candidates.add(pipeline);
					}
					else {
						pastWindow = true;
					}
				}
				// The newest candidates' variables are read as soon as they are seen: a
				// lost answer
				// usually leaves its pipeline among the newest, found without reading
				// further pages.
				for (JsonNode pipeline : candidates) {
					if (variableLookups >= MAX_VARIABLE_LOOKUPS) {
						break;
					}
					variableLookups++;
					String id = scalar(pipeline.path("id"));
					if (carriesDecision(context, id, decisionId)) {
						return new Run(id, scalar(pipeline.path("web_url")));
					}
				}
				// Newest first by id: a short page is the last one, and once pipelines
				// created before
				// the window show up, the older pages cannot hold the earlier attempt's
				// pipeline.
				if (pipelines.size() < PIPELINES_PER_PAGE || pastWindow) {
					return null;
				}
			}
			return null;
		}
		catch (RuntimeException ex) {
			PipelineHttp.rethrowIfTransient(ex);
			return null;
		}
	}

	/**
	 * Whether the pipeline's {@code TOLLGATE_DECISION_ID} variable is the decision id
	 * (one call).
	 */
	private boolean carriesDecision(Context context, String id, String decisionId) {
		Response variables = send(context, HttpMethod.GET, context.projectPath() + "/pipelines/" + id + "/variables",
				null, null, true);
		// A 429 or 5xx here says nothing about this pipeline; it may be the earlier
		// attempt's.
		PipelineHttp.refuseBlindRedispatch("GitLab", variables.status());
		JsonNode found = (variables.status() == 200) ? parse(variables.body()) : null;
		if (found != null && found.isArray()) {
			for (JsonNode variable : found) {
				if (Templates.DECISION_ID.equals(scalar(variable.path("key")))
						&& decisionId.equals(scalar(variable.path("value")))) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean createdSince(JsonNode pipeline, Instant since) {
		String created = scalar(pipeline.path("created_at"));
		if (created == null) {
			return true;
		}
		try {
			return !OffsetDateTime.parse(created).toInstant().isBefore(since);
		}
		catch (DateTimeException ex) {
			return true;
		}
	}

	/**
	 * One call of a gate (its poll, its answer) below the target's project, with the
	 * target's access token as {@code PRIVATE-TOKEN}: the URL is built from the target
	 * alone, never from what a webhook said. The JSON of a 2xx answer ({@code null} when
	 * empty); otherwise a {@link TriggerFailure}, transient for 408, 429 and 5xx (not
	 * before GitLab's {@code Retry-After}), permanent for the rest.
	 * @param path below {@code /api/v4/projects/:id}, already encoded
	 * @param what what the call is, for the reason a failure gives
	 */
	JsonNode gateCall(HttpMethod method, Target target, Secret credential, String path, Object body, String what) {
		if (credential == null) {
			throw TriggerFailure.permanent("The GitLab target has no credential.");
		}
		Context context = new Context(baseUrl(target.baseUrl()), projectSegment(target.project()), target.ref(),
				credential.reveal());
		byte[] bytes = (body != null) ? JSON.writeValueAsBytes(body) : null;
		String call = method.name() + " " + context.projectPath() + withoutQuery(path);
		Response response;
		try {
			response = send(context, method, context.projectPath() + path, bytes,
					(bytes != null) ? MediaType.APPLICATION_JSON : null, true);
		}
		catch (TriggerFailure ex) {
			if (ex.permanent()) {
				throw ex;
			}
			throw TriggerFailure
				.transientFailure("GitLab did not answer " + what + " (" + call + "); it is tried again.", null);
		}
		int status = response.status();
		if (status >= 200 && status <= 299) {
			return parse(response.body());
		}
		String reason = context.scrub(message(response.body()));
		String said = "GitLab answered " + status + " to " + what + " (" + call + ")"
				+ ((reason != null) ? ": " + reason : "") + ".";
		if (OutboundHttp.transientStatus(status)) {
			throw TriggerFailure.transientFailure(said, retryAfter(response.headers(), this.clock.instant()));
		}
		throw TriggerFailure.permanent(said + switch (status) {
			case 401 -> " The token is not accepted (revoked, expired or lacking the api scope).";
			case 403 -> " The token's user may not approve this environment: make it a required approver of the "
					+ "protected environment.";
			case 404 -> " The project, deployment or job is not visible to the token.";
			default -> "";
		});
	}

	/**
	 * One call; every HTTP status comes back as a {@link Response}. Transport failures
	 * throw a transient {@link TriggerFailure}, a refusal by the outbound policy a
	 * permanent one.
	 * @param path below the base URL, already encoded
	 */
	private Response send(Context context, HttpMethod method, String path, byte[] body, MediaType contentType,
			boolean privateToken) {
		URI uri = URI.create(context.base() + path);
		String call = method.name() + " " + withoutQuery(path);
		try {
			Answer answer = this.http.exchange(method, uri, (headers) -> {
				if (privateToken) {
					headers.set("PRIVATE-TOKEN", context.credential());
				}
			}, body, contentType);
			return new Response(answer.status(), answer.headers(), answer.body());
		}
		catch (OutboundRefused ex) {
			throw TriggerFailure.permanent(ex.getMessage());
		}
		catch (Unreachable ex) {
			Throwable cause = ex.reason();
			String what = cause.getClass().getSimpleName()
					+ ((cause.getMessage() != null) ? ": " + context.scrub(bounded(cause.getMessage())) : "");
			throw TriggerFailure
				.transientFailure(
						"GitLab did not answer " + call + " (" + what
								+ "); if the request was received, the next attempt "
								+ (privateToken ? "looks for the pipeline before sending it again."
										: "sends it again (a trigger token cannot look pipelines up; "
												+ Templates.DECISION_ID + " lets the pipeline spot the repeat)."),
						null);
		}
	}

	/**
	 * GitLab's {@code message} (a string, or an object such as {@code {"base":["Reference
	 * not found"]}}), else {@code error}, else the start of the body; bounded.
	 */
	static String message(byte[] body) {
		JsonNode json = parse(body);
		if (json == null) {
			String text = new String(body, StandardCharsets.UTF_8).strip();
			return text.isEmpty() ? null : bounded(text);
		}
		for (String field : List.of("message", "error", "error_description")) {
			JsonNode value = json.path(field);
			if (value.isMissingNode() || value.isNull()) {
				continue;
			}
			String text = scalar(value);
			return bounded((text != null) ? text : flatten(value));
		}
		return bounded(json.toString());
	}

	/** {@code {"base":["Reference not found"]}} → {@code base: Reference not found}. */
	private static String flatten(JsonNode value) {
		if (value.isObject()) {
			StringJoiner joined = new StringJoiner("; ");
			for (Map.Entry<String, JsonNode> entry : value.properties()) {
				joined.add(entry.getKey() + ": " + flatten(entry.getValue()));
			}
			return joined.toString();
		}
		if (value.isArray()) {
			StringJoiner joined = new StringJoiner(", ");
			value.values().forEach((item) -> joined.add(flatten(item)));
			return joined.toString();
		}
		String text = scalar(value);
		return (text != null) ? text : value.toString();
	}

	/**
	 * {@code Retry-After} (seconds or HTTP-date), else GitLab's {@code RateLimit-Reset}
	 * (Unix seconds); {@code null} if neither is usable.
	 */
	static Instant retryAfter(HttpHeaders headers, Instant now) {
		Instant retryAfter = RetryAfter.parse(headers.getFirst(HttpHeaders.RETRY_AFTER), now);
		if (retryAfter != null) {
			return retryAfter;
		}
		Instant reset = RetryAfter.epochSeconds(headers.getFirst("RateLimit-Reset"));
		return (reset != null && reset.isAfter(now)) ? reset : null;
	}

	private static String auth(String auth) {
		if (!StringUtils.hasText(auth)) {
			return TRIGGER_TOKEN;
		}
		String normalized = auth.strip().toUpperCase(Locale.ROOT);
		if (!normalized.equals(TRIGGER_TOKEN) && !normalized.equals(ACCESS_TOKEN)) {
			throw TriggerFailure.permanent(
					"GitLab auth '" + bounded(auth) + "' is neither " + TRIGGER_TOKEN + " nor " + ACCESS_TOKEN + ".");
		}
		return normalized;
	}

	/**
	 * The base URL without a trailing slash; a relative root such as {@code /gitlab} is
	 * kept.
	 */
	static String baseUrl(String baseUrl) {
		return PipelineHttp.baseUrl(baseUrl, DEFAULT_BASE_URL, "GitLab");
	}

	/**
	 * The project id, or its full path as one encoded segment: {@code acme/shop} →
	 * {@code acme%2Fshop}.
	 */
	static String projectSegment(String project) {
		if (!StringUtils.hasText(project)) {
			throw TriggerFailure.permanent("The GitLab target has no project (numeric id or full path).");
		}
		String trimmed = project.strip();
		for (String part : trimmed.split("/", -1)) {
			if (part.isEmpty() || part.equals(".") || part.equals("..")) {
				throw TriggerFailure.permanent("The GitLab project '" + bounded(trimmed)
						+ "' is not a numeric id or a path like group/project.");
			}
		}
		return UriUtils.encodePathSegment(trimmed, StandardCharsets.UTF_8);
	}

	private record Response(int status, HttpHeaders headers, byte[] body) {
	}

	private record Context(String base, String project, String ref, String credential) {

		String projectPath() {
			return "/api/v4/projects/" + this.project;
		}

		/**
		 * Removes the credential from text that came from elsewhere (a response, an
		 * exception).
		 */
		String scrub(String text) {
			if (text == null || this.credential.isEmpty()) {
				return text;
			}
			return text.replace(this.credential, "[hidden]");
		}

		@Override
		public String toString() {
			return "Context[" + this.base + this.projectPath() + ", ref=" + this.ref + "]";
		}

	}

}
