package dev.tollgate.pipeline.jenkins;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.DeploymentGates;
import dev.tollgate.pipeline.GateAsk;
import dev.tollgate.pipeline.StatusCallback;
import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.policy.Gate;
import dev.tollgate.policy.Target;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

/**
 * Jenkins pipelines that pause at {@code input id: 'Tollgate'} (docs/gates.md): a stage
 * announces {@code {"phase": "WAITING", "inputId", "environment", "url", "number",
 * "decisionId"?, "issueKey"?}} to {@code /webhooks/jenkins}, signed like every Jenkins
 * notification, and Tollgate answers the input with
 * {@code POST <build>/input/<id>/proceedEmpty} or {@code …/abort}, as the target's user
 * (the input's submitter). The build URL comes from the pipeline, so it is answered only
 * when it is a build of the target's job under the target's base URL; the URL called is
 * the base URL plus that checked path.
 */
@Component
class JenkinsGates implements DeploymentGates.Answers {

	/** The input id of the documented Jenkinsfile, when a notification names none. */
	static final String DEFAULT_INPUT_ID = "Tollgate";

	/**
	 * One path segment, nothing to encode: Jenkins' own ids are letters, digits and
	 * dashes.
	 */
	private static final Pattern INPUT_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

	private static final Pattern NUMBER = Pattern.compile("[0-9]{1,10}");

	/**
	 * What Jenkins' keys look like; anything else is only searched with the gate's
	 * pattern.
	 */
	private static final Pattern ISSUE_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,49}-[0-9]{1,18}");

	private static final Pattern BUILD = Pattern.compile("(/.*)/([0-9]{1,10})/?");

	private final JenkinsClient client;

	JenkinsGates(JenkinsClient client) {
		this.client = client;
	}

	@Override
	public Target.Kind kind() {
		return Target.Kind.JENKINS;
	}

	/**
	 * A {@code WAITING} notification, already authenticated. The build is the subject
	 * (one review per gate, build and input); its job is its scope, found as for a
	 * finished build, so it is compared with the target's job; its number finds the run
	 * Tollgate started, whose {@code run_id} is the build number its queue item named.
	 */
	static StatusCallback read(JsonNode root) {
		String url = CallbackFields.text(root.path("url"));
		if (url == null || url.isBlank()) {
			throw new IllegalArgumentException("A WAITING notification needs the build's url (BUILD_URL).");
		}
		url = url.strip();
		String inputId = CallbackFields.text(root.path("inputId"));
		inputId = (inputId != null && !inputId.isBlank()) ? inputId.strip() : DEFAULT_INPUT_ID;
		if (!INPUT_ID.matcher(inputId).matches()) {
			throw new IllegalArgumentException("The inputId must be letters, digits, '-' or '_' (at most 100).");
		}
		// Jenkins capitalises an input step's id (a lower-case first letter is
		// reserved for its own actions) and answers only under that spelling.
		inputId = Character.toUpperCase(inputId.charAt(0)) + inputId.substring(1);
		String environment = CallbackFields.text(root.path("environment"));
		environment = (environment != null && !environment.isBlank()) ? environment.strip() : inputId;
		if (environment.length() > 200) {
			throw new IllegalArgumentException("The environment must be at most 200 characters.");
		}
		String number = CallbackFields.text(root.path("number"));
		if (number == null) {
			Matcher build = BUILD.matcher(pathOf(url));
			number = build.matches() ? build.group(2) : null;
		}
		if (number != null && !NUMBER.matcher(number.strip()).matches()) {
			throw new IllegalArgumentException("The number must be the build number.");
		}
		number = (number != null) ? String.valueOf(Long.parseLong(number.strip())) : null;
		String issueKey = CallbackFields.text(root.path("issueKey"));
		issueKey = (issueKey != null && !issueKey.isBlank()) ? issueKey : null;
		List<String> texts = new ArrayList<>();
		if (issueKey != null && !ISSUE_KEY.matcher(issueKey.strip()).matches()) {
			// Not a key as Jira spells them: only searched, with the gate's pattern.
			texts.add(issueKey);
			issueKey = null;
		}
		Map<String, String> answer = new LinkedHashMap<>();
		answer.put("buildUrl", url);
		answer.put("inputId", inputId);
		// BUILD_URL ends in a slash; the same build named without it is still one review.
		String subject = url.endsWith("/") ? url : url + "/";
		return new StatusCallback.Waiting(new GateAsk(Target.Kind.JENKINS, null, JenkinsCallbacks.job(root, url),
				subject, environment, number, url, CallbackFields.decisionId(root.path("decisionId").asString("")),
				(issueKey != null) ? issueKey.strip() : null, texts, answer));
	}

	@Override
	public String refusal(Target target, GateAsk ask) {
		try {
			buildPath(target, ask);
			return null;
		}
		catch (TriggerFailure ex) {
			return ex.getMessage();
		}
	}

	/**
	 * Jenkins' input step takes no comment: the reason is in the audit log and on the
	 * linked issue.
	 */
	@Override
	public void answer(Target target, Gate gate, GateAsk ask, boolean approved, String comment, Secret credential) {
		String inputId = ask.answer().get("inputId");
		if (inputId == null || !INPUT_ID.matcher(inputId).matches()) {
			throw TriggerFailure.permanent("The notification names no usable input id.");
		}
		String path = buildPath(target, ask) + "input/" + UriUtils.encodePathSegment(inputId, StandardCharsets.UTF_8)
				+ (approved ? "/proceedEmpty" : "/abort");
		this.client.gatePost(target, credential, path,
				(approved ? "proceeding" : "aborting") + " input '" + inputId + "' of build #" + ask.runId());
	}

	/**
	 * The build's path below the target's base URL, ending in a slash
	 * ({@code /job/team/job/deploy/35/}): the build URL must be on the base URL's scheme,
	 * host and port, under its path, without user info, query, fragment, dot segments or
	 * encoded separators, and be a build of the target's job whose number is the one the
	 * notification sent.
	 * @throws TriggerFailure (permanent) saying which of these it is not
	 */
	static String buildPath(Target target, GateAsk ask) {
		String url = ask.answer().get("buildUrl");
		String base = JenkinsJob.baseUrl(target.baseUrl());
		URI uri;
		try {
			uri = new URI((url != null) ? url : "");
		}
		catch (URISyntaxException ex) {
			throw refused(url, "is not a URL");
		}
		if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawPath() == null) {
			throw refused(url, "is not an absolute URL");
		}
		if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
			throw refused(url, "carries user info, a query or a fragment");
		}
		URI root = URI.create(base);
		if (!root.getScheme().equalsIgnoreCase(uri.getScheme()) || !root.getHost().equalsIgnoreCase(uri.getHost())
				|| port(root) != port(uri)) {
			throw refused(url, "is not on the target's Jenkins (" + CallbackFields.origin(base) + ")");
		}
		String basePath = (root.getRawPath() != null) ? root.getRawPath() : "";
		String path = uri.getRawPath();
		if (!path.startsWith(basePath + "/")) {
			throw refused(url, "is not under the target's base URL " + base);
		}
		String below = path.substring(basePath.length());
		String lower = below.toLowerCase(Locale.ROOT);
		if (below.contains("\\") || below.contains("//") || lower.contains("%2e") || lower.contains("%2f")
				|| lower.contains("%5c")
				|| List.of(below.split("/")).stream().anyMatch((s) -> s.equals(".") || s.equals(".."))) {
			throw refused(url, "has dot segments or encoded separators");
		}
		String job = JenkinsJob.jobPath(target.job());
		Matcher build = BUILD.matcher(below);
		if (!build.matches() || !build.group(1).equalsIgnoreCase(job)) {
			throw refused(url, "is not a build of the target's job (" + base + job + "/<number>/)");
		}
		String number = String.valueOf(Long.parseLong(build.group(2)));
		if (ask.runId() != null && !ask.runId().equals(number)) {
			throw refused(url, "is build #" + number + ", but the notification says #" + ask.runId());
		}
		return build.group(1) + "/" + build.group(2) + "/";
	}

	private static TriggerFailure refused(String url, String why) {
		String shown = (url == null) ? "(none)" : (url.length() > 300) ? url.substring(0, 300) + "…" : url;
		return TriggerFailure.permanent("the build URL " + shown + " " + why);
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
	}

	private static String pathOf(String url) {
		try {
			String path = new URI(url).getRawPath();
			return (path != null) ? path : "";
		}
		catch (URISyntaxException ex) {
			return "";
		}
	}

}
