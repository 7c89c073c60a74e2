package dev.tollgate.pipeline.jenkins;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.pipeline.support.PipelineHttp;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.pipeline.support.PipelineProperties;
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
 * Starts Jenkins builds: {@code POST {base}/job/team/job/deploy/buildWithParameters},
 * form-encoded parameters plus {@code TOLLGATE_DECISION_ID}, Basic auth from a
 * {@code user:apiToken} credential. Jenkins answers 201 with the queue item's
 * {@code Location}; the item is polled promptly (left-queue items vanish after five
 * minutes) until it names the build.
 * <p>
 * API-token requests need no CSRF crumb; should Jenkins still answer 403 about a crumb,
 * one is fetched from the crumb issuer (keeping its session cookie, to which the crumb is
 * bound) and the trigger is sent once more with it.
 * <p>
 * On a repeated attempt ("outcome unknown" after a timeout) the job's recent builds (up
 * to 1,000, newest first, a page of 100 at a time) are searched for the decision id
 * before anything is sent again. An identical request still waiting in the queue is
 * merged by Jenkins itself, so a re-send then returns the same queue item.
 * <p>
 * Credentials only go to the configured base URL: the queue item is polled at
 * {@code {base}/queue/item/{n}/}, not at whatever host the {@code Location} names.
 */
@Component
public class JenkinsClient implements PipelineProvider, DisposableBean {

	static final Duration POLL_INTERVAL = Duration.ofMillis(250);

	static final Duration MAX_POLL_BUDGET = Duration.ofSeconds(10);

	/**
	 * The build look-up, one page: {@code allBuilds}, because Jenkins cuts {@code builds}
	 * off at the newest 100; the range {@code {M,N}} runs from M inclusive to N
	 * exclusive, newest first.
	 */
	static final String BUILDS_TREE = "allBuilds[number,url,timestamp,actions[parameters[name,value]]]{%d,%d}";

	/** Builds per look-up page. */
	static final int BUILDS_PER_PAGE = 100;

	/**
	 * Pages a look-up reads at most: newer builds (other decisions, other triggers) push
	 * the one sought back, so a busy job needs more than the first page; bounded so a
	 * look-up stays a few requests.
	 */
	static final int MAX_LOOKUP_PAGES = 10;

	/**
	 * How far back a later attempt looks for a build an earlier attempt may have started
	 * (as for GitHub): no page is read beyond the first that reaches a build started
	 * longer ago.
	 */
	static final Duration RETRY_LOOKBACK = Duration.ofHours(24);

	static final int MAX_RESPONSE_BYTES = PipelineHttp.MAX_RESPONSE_BYTES;

	static final int MAX_REASON_CHARS = PipelineHttp.MAX_REASON_CHARS;

	private static final Pattern QUEUE_ITEM = Pattern.compile("/queue/item/(\\d+)/?$");

	private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final OutboundHttp http;

	private final Duration pollInterval;

	private final Duration pollBudget;

	@Autowired
	JenkinsClient(OutboundPolicy policy, PipelineProperties properties) {
		// Polling stays within one read timeout, so the attempt as a whole stays well
		// inside the job lease.
		this(policy, properties, POLL_INTERVAL,
				(properties.readTimeout().compareTo(MAX_POLL_BUDGET) < 0) ? properties.readTimeout() : MAX_POLL_BUDGET);
	}

	public JenkinsClient(OutboundPolicy policy, PipelineProperties properties, Duration pollInterval,
			Duration pollBudget) {
		this.http = new OutboundHttp(policy, properties.connectTimeout(), properties.readTimeout(),
				(builder) -> builder.defaultHeader(HttpHeaders.USER_AGENT, "Tollgate"));
		this.pollInterval = pollInterval;
		this.pollBudget = pollBudget;
	}

	@Override
	public Target.Kind kind() {
		return Target.Kind.JENKINS;
	}

	@Override
	public String valuesField() {
		return "parameters";
	}

	@Override
	public void check(Target target, Problems problems) {
		problems.allowed(target.auth(), "auth", "API_TOKEN");
		problems.require(target.job(), "job");
		problems.require(target.baseUrl(), "baseUrl");
		problems.require(target.credentialRef(), "credentialRef");
		if (StringUtils.hasText(target.job())) {
			// The same rule the trigger applies, said on save rather than by a dead job.
			try {
				jobPath(target.job());
			}
			catch (TriggerFailure ex) {
				problems.add("job", "must be a job name or a folder path like team/deploy, without . or .. parts");
			}
		}
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
		return CallbackFields.scope(target.job());
	}

	/**
	 * Every Jenkins target can gate: a pipeline's {@code input} step waits, and the
	 * target's {@code user:apiToken} answers it when that user is the input's submitter.
	 */
	@Override
	public String cannotGate(Target target) {
		return null;
	}

	@Override
	public Run trigger(TriggerCall call) {
		Target target = call.target();
		String base = baseUrl(target.baseUrl());
		String jobPath = jobPath(target.job());
		String credential = credentialOf(call.credential());
		Context context = new Context(base, jobPath, basicAuth(credential), credential);
		String decisionId = call.request().decisionId().toString();
		if (call.attempt() > 1) {
			Run earlier = findRun(call);
			if (earlier != null) {
				return earlier;
			}
		}
		Map<String, String> parameters = new LinkedHashMap<>(call.values());
		parameters.remove(Templates.DECISION_ID);
		parameters.put(Templates.DECISION_ID, decisionId);
		byte[] form = form(parameters);
		String path = jobPath + "/buildWithParameters";
		Response response = send(context, HttpMethod.POST, path, form, null);
		if (response.status() == 403 && mentionsCrumb(response)) {
			Crumb crumb = crumb(context, "POST " + path);
			response = send(context, HttpMethod.POST, path, form, crumb);
		}
		if ((response.status() >= 200 && response.status() <= 299) || seeOtherQueueItem(context, response)) {
			return queued(context, response, decisionId);
		}
		throw failure(context, "POST " + path, response);
	}

	@Override
	public Run findRun(TriggerCall call) {
		Target target = call.target();
		String credential = credentialOf(call.credential());
		Context context = new Context(baseUrl(target.baseUrl()), jobPath(target.job()), basicAuth(credential),
				credential);
		return findBuild(context, call.request().decisionId().toString());
	}

	@Override
	public void destroy() throws Exception {
		this.http.destroy();
	}

	/**
	 * A gate's answer to a waiting {@code input} step (JenkinsGates): a POST without a
	 * body below the target's base URL, with the target's credential and, should Jenkins
	 * ask for one, a crumb. Jenkins answers the input step's {@code proceedEmpty} and
	 * {@code abort} with 200.
	 * @param path below the base URL, already checked and encoded
	 * @throws TriggerFailure for any answer but 2xx: transient for 429 and 5xx
	 */
	void gatePost(Target target, Secret credential, String path, String what) {
		String value = credentialOf(credential);
		Context context = new Context(baseUrl(target.baseUrl()), jobPath(target.job()), basicAuth(value), value);
		String unanswered = "the answer is sent again later";
		byte[] empty = new byte[0];
		Response response = send(context, HttpMethod.POST, path, empty, null, unanswered);
		if (response.status() == 403 && mentionsCrumb(response)) {
			Crumb crumb = crumb(context, "POST " + path);
			response = send(context, HttpMethod.POST, path, empty, crumb, unanswered);
		}
		if (response.status() >= 200 && response.status() <= 299) {
			return;
		}
		int status = response.status();
		String said = "Jenkins answered " + status + " to " + what + " (POST " + path + ").";
		if (OutboundHttp.transientStatus(status)) {
			throw TriggerFailure.transientFailure(said + ((status == 503) ? " Jenkins may be restarting." : ""),
					RetryAfter.parse(response.headers().getFirst(HttpHeaders.RETRY_AFTER), Instant.now()));
		}
		String hint = switch (status) {
			case 401 -> " The user or API token is not accepted.";
			case 400,
					403 ->
				mentionsCrumb(response) ? " No valid CSRF crumb was accepted."
						: " The target's user may not answer this input: make it the input's submitter, with "
								+ "Job/Build permission.";
			case 404 -> " No such input waits on that build: it was answered already, the build ended, or the "
					+ "input has another id.";
			default -> (status >= 300 && status < 400)
					? " Jenkins redirected (to a login page, or another URL): check the base URL." : "";
		};
		throw TriggerFailure.permanent(context.scrub(said + hint));
	}

	/**
	 * Follows the queue item until it names its build; after a 201 the trigger has
	 * succeeded.
	 */
	private Run queued(Context context, Response response, String decisionId) {
		String location = response.headers().getFirst(HttpHeaders.LOCATION);
		Matcher item = (location != null) ? QUEUE_ITEM.matcher(pathOf(location)) : null;
		if (item == null || !item.find()) {
			return new Run(null, null);
		}
		String queuePath = "/queue/item/" + item.group(1) + "/";
		String queueUrl = context.base() + queuePath;
		long deadline = System.nanoTime() + this.pollBudget.toNanos();
		while (true) {
			Response poll;
			try {
				poll = send(context, HttpMethod.GET, queuePath + "api/json", null, null);
			}
			catch (TriggerFailure ex) {
				poll = null;
			}
			if (poll != null && poll.status() == 404) {
				// Left the queue more than five minutes ago: the build exists, find it by
				// the decision id.
				// The build was queued by this attempt, so a look-up that cannot answer
				// is not a reason
				// to fail it: the queue URL identifies the run well enough.
				Run build;
				try {
					build = findBuild(context, decisionId);
				}
				catch (TriggerFailure ex) {
					build = null;
				}
				return (build != null) ? build : new Run(null, queueUrl);
			}
			if (poll != null && poll.status() >= 200 && poll.status() <= 299) {
				JsonNode state = parse(poll.body());
				if (state != null) {
					if (state.path("cancelled").asBoolean(false)) {
						throw TriggerFailure
							.permanent("Jenkins queue item " + item.group(1) + " of job " + context.jobPath()
									+ " was cancelled before it started a build (queue item cancelled).");
					}
					JsonNode executable = state.path("executable");
					String number = scalar(executable.path("number"));
					if (number != null) {
						return new Run(number, scalar(executable.path("url")));
					}
				}
			}
			else if (poll != null && poll.status() >= 400 && poll.status() < 500) {
				// No permission to read the queue (or similar): the build was queued all
				// the same.
				return new Run(null, queueUrl);
			}
			if (System.nanoTime() + this.pollInterval.toNanos() > deadline) {
				return new Run(null, queueUrl);
			}
			try {
				Thread.sleep(this.pollInterval.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new Run(null, queueUrl);
			}
		}
	}

	/**
	 * A build of the job whose {@code TOLLGATE_DECISION_ID} parameter is the decision id,
	 * looked for newest first across up to {@value #MAX_LOOKUP_PAGES} pages of
	 * {@value #BUILDS_PER_PAGE}, ending at a short page or at builds started before
	 * {@link #RETRY_LOOKBACK}. A 429, 5xx or no answer fails the attempt transiently (no
	 * blind second dispatch); other failures mean "none".
	 */
	private Run findBuild(Context context, String decisionId) {
		try {
			long since = Instant.now().minus(RETRY_LOOKBACK).toEpochMilli();
			for (int page = 0; page < MAX_LOOKUP_PAGES; page++) {
				String tree = String.format(Locale.ROOT, BUILDS_TREE, page * BUILDS_PER_PAGE,
						(page + 1) * BUILDS_PER_PAGE);
				Response response = send(context, HttpMethod.GET,
						context.jobPath() + "/api/json?tree=" + queryEncode(tree), null, null);
				PipelineHttp.refuseBlindRedispatch("Jenkins", response.status());
				if (response.status() != 200) {
					return null;
				}
				JsonNode job = parse(response.body());
				if (job == null) {
					throw PipelineHttp.unreadableLookup("Jenkins");
				}
				JsonNode builds = job.path("allBuilds");
				boolean pastWindow = false;
				for (JsonNode build : builds) {
					for (JsonNode action : build.path("actions")) {
						for (JsonNode parameter : action.path("parameters")) {
							if (Templates.DECISION_ID.equals(scalar(parameter.path("name")))
									&& decisionId.equals(scalar(parameter.path("value")))) {
								String number = scalar(build.path("number"));
								return new Run(number, scalar(build.path("url")));
							}
						}
					}
					JsonNode timestamp = build.path("timestamp");
					if (timestamp.isNumber() && timestamp.asLong() < since) {
						pastWindow = true;
					}
				}
				// Newest first: a short page is the last one, and builds older than the
				// window
				// mean the older pages cannot hold the earlier attempt's build.
				if (!builds.isArray() || builds.size() < BUILDS_PER_PAGE || pastWindow) {
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

	private static boolean mentionsCrumb(Response response) {
		return new String(response.body(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains("crumb");
	}

	/**
	 * Fetches a crumb and the session cookie it is bound to; a 403 naming the crumb made
	 * this necessary.
	 */
	private Crumb crumb(Context context, String refused) {
		String call = "GET /crumbIssuer/api/json";
		Response response = send(context, HttpMethod.GET, "/crumbIssuer/api/json", null, null);
		if (response.status() == 404) {
			throw TriggerFailure.permanent("Jenkins answered 403 to " + refused
					+ " about a missing CSRF crumb, but its crumb issuer answers 404 (CSRF "
					+ "protection off). Check the user's Job/Build permission.");
		}
		if (response.status() != 200) {
			throw failure(context, call, response);
		}
		JsonNode json = parse(response.body());
		String field = (json != null) ? scalar(json.path("crumbRequestField")) : null;
		String value = (json != null) ? scalar(json.path("crumb")) : null;
		if (field == null) {
			field = "Jenkins-Crumb";
		}
		if (value == null || !HEADER_NAME.matcher(field).matches()
				|| value.chars().anyMatch((c) -> c < 0x21 || c > 0x7e)) {
			throw TriggerFailure.permanent("Jenkins' crumb issuer (" + call + ") did not answer with a usable crumb.");
		}
		StringJoiner cookies = new StringJoiner("; ");
		for (String setCookie : response.headers().getOrEmpty(HttpHeaders.SET_COOKIE)) {
			String pair = setCookie.split(";", 2)[0].strip();
			if (pair.indexOf('=') > 0) {
				cookies.add(pair);
			}
		}
		return new Crumb(field, value, (cookies.length() > 0) ? cookies.toString() : null);
	}

	private TriggerFailure failure(Context context, String call, Response response) {
		int status = response.status();
		String said = "Jenkins answered " + status + " to " + call + ".";
		Instant retryAfter = RetryAfter.parse(response.headers().getFirst(HttpHeaders.RETRY_AFTER), Instant.now());
		if (OutboundHttp.transientStatus(status)) {
			return TriggerFailure.transientFailure(said + ((status == 503) ? " Jenkins may be restarting." : ""),
					retryAfter);
		}
		String hint = switch (status) {
			case 400 -> " Jenkins refused the request: is the job parameterized?";
			case 401 -> " The user or API token is not accepted.";
			case 403 -> mentionsCrumb(response) ? " No valid CSRF crumb was accepted."
					: " The user may not build this job (Job/Build permission).";
			case 404 -> " There is no job at " + context.jobPath() + " (check the folder path and the base URL).";
			default -> (status >= 300 && status < 400)
					? " Jenkins redirected (to a login page, or another URL): check the base URL." : "";
		};
		return TriggerFailure.permanent(context.scrub(said + hint));
	}

	/**
	 * One call to the Jenkins base URL; every HTTP status comes back as a
	 * {@link Response}. Transport failures throw a transient {@link TriggerFailure}, a
	 * refusal by the outbound policy a permanent one.
	 * @param path below the base URL, already encoded
	 */
	private Response send(Context context, HttpMethod method, String path, byte[] form, Crumb crumb) {
		return send(context, method, path, form, crumb,
				"the next attempt looks for a build with this " + Templates.DECISION_ID + " before sending it again");
	}

	/**
	 * @param unanswered what happens after a call Jenkins did not answer, for the reason
	 */
	private Response send(Context context, HttpMethod method, String path, byte[] form, Crumb crumb,
			String unanswered) {
		URI uri = URI.create(context.base() + path);
		String call = method.name() + " " + withoutQuery(path);
		try {
			Answer answer = this.http.exchange(method, uri, (headers) -> {
				headers.set(HttpHeaders.AUTHORIZATION, context.authorization());
				if (method == HttpMethod.GET) {
					headers.set(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE);
				}
				if (crumb != null) {
					headers.set(crumb.field(), crumb.value());
					if (crumb.cookie() != null) {
						headers.set(HttpHeaders.COOKIE, crumb.cookie());
					}
				}
			}, form, MediaType.APPLICATION_FORM_URLENCODED);
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
				.transientFailure("Jenkins did not answer " + call + " (" + what + "); " + unanswered + ".", null);
		}
	}

	private static byte[] form(Map<String, String> parameters) {
		StringJoiner form = new StringJoiner("&");
		parameters.forEach((name, value) -> form.add(formEncode(name) + "=" + formEncode(value)));
		return form.toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The base URL without a trailing slash; a context path such as {@code /jenkins} is
	 * kept.
	 */
	static String baseUrl(String baseUrl) {
		return PipelineHttp.baseUrl(baseUrl, null, "Jenkins");
	}

	/**
	 * {@code team/deploy} → {@code /job/team/job/deploy}, each name encoded as one path
	 * segment.
	 */
	static String jobPath(String job) {
		if (!StringUtils.hasText(job)) {
			throw TriggerFailure.permanent("The Jenkins target has no job.");
		}
		String trimmed = job.strip();
		while (trimmed.startsWith("/")) {
			trimmed = trimmed.substring(1);
		}
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		StringBuilder path = new StringBuilder();
		for (String name : trimmed.split("/", -1)) {
			if (name.isBlank() || name.equals(".") || name.equals("..") || name.contains("\\")) {
				throw TriggerFailure.permanent(
						"The Jenkins job '" + bounded(job) + "' is not a job name or a folder path like team/deploy.");
			}
			path.append("/job/").append(UriUtils.encodePathSegment(name, StandardCharsets.UTF_8));
		}
		return path.toString();
	}

	private static String basicAuth(String value) {
		int colon = value.indexOf(':');
		if (colon <= 0 || colon == value.length() - 1) {
			throw TriggerFailure.permanent("The Jenkins credential must have the form user:apiToken.");
		}
		return "Basic " + HttpHeaders.encodeBasicAuth(value.substring(0, colon), value.substring(colon + 1),
				StandardCharsets.UTF_8);
	}

	private static String credentialOf(Secret credential) {
		if (credential == null) {
			throw TriggerFailure.permanent("The Jenkins target has no credential.");
		}
		return credential.reveal();
	}

	/**
	 * Jenkins (since about 2.309) answers 303 See Other, pointing at the item already
	 * waiting, when it merges the request into an identical queued one: the build will
	 * run, so this is a success. Only a queue item under the target's own base URL
	 * counts; every other redirect stays a failure.
	 */
	private static boolean seeOtherQueueItem(Context context, Response response) {
		String location = response.headers().getFirst(HttpHeaders.LOCATION);
		if (response.status() != 303 || location == null) {
			return false;
		}
		try {
			URI base = URI.create(context.base() + "/");
			URI target = base.resolve(location.strip()).normalize();
			String basePath = base.getRawPath();
			return target.getRawQuery() == null && target.getRawFragment() == null
					&& Objects.equals(base.getScheme(), target.getScheme())
					&& Objects.equals(base.getRawAuthority(), target.getRawAuthority()) && target.getRawPath() != null
					&& target.getRawPath().startsWith(basePath)
					&& QUEUE_ITEM.matcher(target.getRawPath().substring(basePath.length() - 1)).matches();
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static String pathOf(String location) {
		try {
			String path = URI.create(location.strip()).getRawPath();
			return (path != null) ? path : "";
		}
		catch (IllegalArgumentException ex) {
			return "";
		}
	}

	private record Response(int status, HttpHeaders headers, byte[] body) {
	}

	private record Crumb(String field, String value, String cookie) {

		@Override
		public String toString() {
			return "Crumb[" + this.field + "]";
		}

	}

	private record Context(String base, String jobPath, String authorization, String credential) {

		/**
		 * Removes the credential (and its password part) from text that came from
		 * elsewhere.
		 */
		String scrub(String text) {
			if (text == null) {
				return null;
			}
			String scrubbed = text;
			String token = this.credential.substring(this.credential.indexOf(':') + 1);
			for (String secret : List.of(this.credential, token, this.authorization.substring("Basic ".length()))) {
				if (!secret.isEmpty()) {
					scrubbed = scrubbed.replace(secret, "[hidden]");
				}
			}
			return scrubbed;
		}

		@Override
		public String toString() {
			return "Context[" + this.base + this.jobPath + "]";
		}

	}

}
