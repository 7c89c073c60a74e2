package dev.tollgate.pipeline;

import dev.tollgate.pipeline.support.Templates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.policy.Target;
import dev.tollgate.problem.ProblemType;
import dev.tollgate.problem.Problems;
import dev.tollgate.signature.HmacSignature;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * CI status callbacks on {@code POST /webhooks/github}, {@code /webhooks/gitlab} and
 * {@code /webhooks/jenkins}: GitHub {@code workflow_run}, GitLab Pipeline Hook and
 * Jenkins notifications. Each is authenticated (secrets compared in constant time,
 * several at once for rotation) before its body is parsed; only terminal states count.
 */
@RestController
class CallbackController {

	private static final Pattern UUID_PATTERN = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private static final int MAX_BODY = 1024 * 1024;

	private static final Set<String> GITLAB_TERMINAL = Set.of("success", "failed", "canceled", "skipped");

	private final HmacSignature github;

	private final List<byte[]> gitlabTokens;

	private final HmacSignature jenkinsHmac;

	private final List<byte[]> jenkinsTokens;

	private final PipelineCallbacks callbacks;

	private static final Duration MAX_DURATION = Duration.ofDays(366);

	private final JsonMapper json;

	CallbackController(CallbackProperties.GitHub github, CallbackProperties.GitLab gitlab,
			CallbackProperties.Jenkins jenkins, PipelineCallbacks callbacks, JsonMapper json) {
		this.github = HmacSignature.of(github.webhookSecrets());
		this.gitlabTokens = bytes(gitlab.webhookTokens());
		this.jenkinsHmac = HmacSignature.of(jenkins.webhookSecrets());
		this.jenkinsTokens = bytes(jenkins.webhookSecrets());
		this.callbacks = callbacks;
		this.json = json;
	}

	@PostMapping("/webhooks/github")
	ResponseEntity<Object> github(HttpServletRequest request,
			@RequestHeader(name = "X-Hub-Signature-256", required = false) String signature,
			@RequestHeader(name = "X-GitHub-Event", required = false) String event) throws IOException {
		byte[] body = read(request);
		if (body == null) {
			return tooLarge();
		}
		if (!this.github.matches(signature, body)) {
			return unauthorized(Target.Kind.GITHUB_ACTIONS);
		}
		JsonNode root = parse(body);
		JsonNode run = root.path("workflow_run");
		if (!"workflow_run".equals(event) || !"completed".equals(root.path("action").asString(""))) {
			return ignored(Target.Kind.GITHUB_ACTIONS);
		}
		String conclusion = run.path("conclusion").asString("unknown");
		return apply(new PipelineCallbacks.Report(Target.Kind.GITHUB_ACTIONS.name(), text(run.path("id")),
				decisionId(run.path("name").asString("") + " " + run.path("display_title").asString("")), conclusion,
				"success".equals(conclusion), text(run.path("html_url")),
				between(run.path("run_started_at").asString(null), run.path("updated_at").asString(null))));
	}

	@PostMapping("/webhooks/gitlab")
	ResponseEntity<Object> gitlab(HttpServletRequest request,
			@RequestHeader(name = "X-Gitlab-Token", required = false) String token) throws IOException {
		byte[] body = read(request);
		if (body == null) {
			return tooLarge();
		}
		if (!matchesAny(token, this.gitlabTokens)) {
			return unauthorized(Target.Kind.GITLAB);
		}
		JsonNode root = parse(body);
		JsonNode pipeline = root.path("object_attributes");
		String status = pipeline.path("status").asString("");
		if (!"pipeline".equals(root.path("object_kind").asString("")) || !GITLAB_TERMINAL.contains(status)) {
			return ignored(Target.Kind.GITLAB);
		}
		String id = text(pipeline.path("id"));
		String url = text(pipeline.path("url"));
		if (url == null && root.path("project").path("web_url").isString() && id != null) {
			url = root.path("project").path("web_url").asString() + "/-/pipelines/" + id;
		}
		UUID decisionId = null;
		for (JsonNode variable : pipeline.path("variables")) {
			if (Templates.DECISION_ID.equals(variable.path("key").asString(""))) {
				decisionId = decisionId(variable.path("value").asString(""));
			}
		}
		if (decisionId == null) {
			decisionId = decisionId(pipeline.path("name").asString(""));
		}
		Duration duration = duration(pipeline.path("duration"), "object_attributes.duration", 1);
		return apply(new PipelineCallbacks.Report(Target.Kind.GITLAB.name(), id, decisionId, status,
				"success".equals(status), url, duration));
	}

	/**
	 * Jenkins has no signed notifications of its own; a pipeline {@code post} step sends
	 * {@code {"decisionId","number","url","phase","result","duration"}} signed with
	 * {@code X-Tollgate-Signature: sha256=<hmac>} or carrying {@code X-Tollgate-Token}
	 * (docs/pipelines.md).
	 */
	@PostMapping("/webhooks/jenkins")
	ResponseEntity<Object> jenkins(HttpServletRequest request,
			@RequestHeader(name = "X-Tollgate-Signature", required = false) String signature,
			@RequestHeader(name = "X-Tollgate-Token", required = false) String token) throws IOException {
		byte[] body = read(request);
		if (body == null) {
			return tooLarge();
		}
		if (!(this.jenkinsHmac.matches(signature, body) || matchesAny(token, this.jenkinsTokens))) {
			return unauthorized(Target.Kind.JENKINS);
		}
		JsonNode root = parse(body);
		String phase = root.path("phase").asString("").toUpperCase(Locale.ROOT);
		String result = root.path("result").asString("");
		if (!(phase.equals("COMPLETED") || phase.equals("FINALIZED")) || result.isBlank()) {
			return ignored(Target.Kind.JENKINS);
		}
		Duration duration = duration(root.path("duration"), "duration", 1000);
		return apply(new PipelineCallbacks.Report(Target.Kind.JENKINS.name(), text(root.path("number")),
				decisionId(root.path("decisionId").asString("")), result.toLowerCase(Locale.ROOT),
				"SUCCESS".equalsIgnoreCase(result), text(root.path("url")), duration));
	}

	private ResponseEntity<Object> apply(PipelineCallbacks.Report report) {
		PipelineCallbacks.Outcome outcome;
		try {
			outcome = this.callbacks.completed(report);
		}
		catch (DataAccessException | TransactionException ex) {
			ProblemDetail problem = Problems.of(ProblemType.UNAVAILABLE,
					"The callback could not be stored right now; retry later.");
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
				.header(HttpHeaders.RETRY_AFTER, "5")
				.body(problem);
		}
		this.callbacks.count(report.provider(), outcome);
		HttpStatus status = (outcome == PipelineCallbacks.Outcome.COMPLETED) ? HttpStatus.OK : HttpStatus.ACCEPTED;
		return ResponseEntity.status(status).body(Map.of("status", outcome.name()));
	}

	private ResponseEntity<Object> ignored(Target.Kind provider) {
		this.callbacks.count(provider.name(), PipelineCallbacks.Outcome.IGNORED);
		return ResponseEntity.accepted().body(Map.of("status", PipelineCallbacks.Outcome.IGNORED.name()));
	}

	private ResponseEntity<Object> unauthorized(Target.Kind provider) {
		this.callbacks.count(provider.name(), PipelineCallbacks.Outcome.REJECTED);
		ProblemDetail problem = Problems.of(ProblemType.UNAUTHORIZED, "The callback could not be authenticated.");
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(problem);
	}

	private static ResponseEntity<Object> tooLarge() {
		return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
			.body(Problems.of(ProblemType.BODY_TOO_LARGE, "The body is larger than the limit."));
	}

	private JsonNode parse(byte[] body) {
		try {
			JsonNode root = this.json.readTree(body);
			if (root == null || !root.isObject()) {
				throw new IllegalArgumentException("The callback body is not a JSON object.");
			}
			return root;
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("The callback body is not valid JSON.");
		}
	}

	/**
	 * A reported run time, or {@code null} when absent. Bounded, because a signed but
	 * absurd value ({@code 1e308}) must be a 400 naming the field, not an overflow later.
	 */
	private static Duration duration(JsonNode value, String field, long perSecond) {
		if (value.isMissingNode() || value.isNull()) {
			return null;
		}
		double amount = value.isNumber() ? value.asDouble() : Double.NaN;
		if (!(amount >= 0 && amount <= MAX_DURATION.toSeconds() * (double) perSecond)) {
			throw new IllegalArgumentException("The callback's " + field + " must be a number of "
					+ ((perSecond == 1) ? "seconds" : "milliseconds") + " between 0 and " + MAX_DURATION.toDays()
					+ " days.");
		}
		return (perSecond == 1) ? Duration.ofSeconds((long) amount) : Duration.ofMillis((long) amount);
	}

	@org.springframework.web.bind.annotation.ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<ProblemDetail> malformed(IllegalArgumentException ex) {
		return ResponseEntity.badRequest().body(Problems.of(ProblemType.MALFORMED_CALLBACK, ex.getMessage()));
	}

	private static byte[] read(HttpServletRequest request) throws IOException {
		if (request.getContentLengthLong() > MAX_BODY) {
			return null;
		}
		byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
		return (body.length > MAX_BODY) ? null : body;
	}

	/** Constant-time comparison against every configured token, matched or not. */
	static boolean matchesAny(String presented, List<byte[]> tokens) {
		if (presented == null || presented.isEmpty()) {
			return false;
		}
		byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
		boolean matched = false;
		for (byte[] token : tokens) {
			matched |= MessageDigest.isEqual(candidate, token);
		}
		return matched;
	}

	private static List<byte[]> bytes(List<String> secrets) {
		return secrets.stream()
			.filter((secret) -> secret != null && !secret.isBlank())
			.map((secret) -> secret.strip().getBytes(StandardCharsets.UTF_8))
			.toList();
	}

	private static UUID decisionId(String text) {
		Matcher matcher = UUID_PATTERN.matcher(text);
		return matcher.find() ? UUID.fromString(matcher.group()) : null;
	}

	private static String text(JsonNode node) {
		return (node.isString() || node.isNumber()) ? node.asString() : null;
	}

	private static Duration between(String start, String end) {
		try {
			return (start != null && end != null) ? Duration.between(Instant.parse(start), Instant.parse(end)) : null;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
