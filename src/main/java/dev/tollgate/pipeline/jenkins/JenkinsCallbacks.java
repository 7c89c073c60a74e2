package dev.tollgate.pipeline.jenkins;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.pipeline.StatusCallback;
import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.policy.Target;
import dev.tollgate.signature.HmacSignature;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * Jenkins has no signed notifications of its own; a pipeline {@code post} step sends
 * {@code {"decisionId","job","number","url","phase","result","duration"}} signed with
 * {@code X-Tollgate-Signature: sha256=<hmac>} or carrying {@code X-Tollgate-Token}
 * (docs/pipelines.md). A build is named by its job (from its build URL, else the
 * {@code job} field) and its number, since numbers repeat across jobs. A {@code WAITING}
 * notification, sent just before an {@code input} step, is read by {@link JenkinsGates}.
 */
@Component
class JenkinsCallbacks implements PipelineProvider.Callbacks {

	private static final String SIGNATURE_HEADER = "X-Tollgate-Signature";

	private static final String TOKEN_HEADER = "X-Tollgate-Token";

	private final HmacSignature hmac;

	private final List<byte[]> tokens;

	JenkinsCallbacks(Secrets secrets) {
		this.hmac = HmacSignature.of(secrets.webhookSecrets());
		this.tokens = CallbackFields.bytes(secrets.webhookSecrets());
	}

	@Override
	public Target.Kind kind() {
		return Target.Kind.JENKINS;
	}

	@Override
	public StatusCallback read(UnaryOperator<String> header, byte[] body) {
		String problem = authenticationProblem(header, body);
		if (problem != null) {
			return StatusCallback.rejected(problem);
		}
		JsonNode root = CallbackFields.parse(body);
		String phase = root.path("phase").asString("").toUpperCase(Locale.ROOT);
		if (phase.equals("WAITING")) {
			return JenkinsGates.read(root);
		}
		String result = root.path("result").asString("");
		if (!(phase.equals("COMPLETED") || phase.equals("FINALIZED")) || result.isBlank()) {
			return StatusCallback.ignored();
		}
		String url = CallbackFields.text(root.path("url"));
		List<String> scopes = new ArrayList<>(1);
		String job = job(root, url);
		if (job != null) {
			scopes.add(job);
		}
		Duration duration = CallbackFields.duration(root.path("duration"), "duration", 1000);
		return new StatusCallback.Finished(CallbackFields.text(root.path("number")), scopes,
				CallbackFields.decisionId(root.path("decisionId").asString("")), result.toLowerCase(Locale.ROOT),
				"SUCCESS".equalsIgnoreCase(result), url, duration);
	}

	/** The build's job: from its build URL, else the {@code job} field. */
	static String job(JsonNode root, String url) {
		String fromUrl = jobOfBuildUrl(url);
		return (fromUrl != null) ? fromUrl : CallbackFields.scope(CallbackFields.text(root.path("job")));
	}

	/**
	 * Why neither the signature nor the token authenticates the callback, or {@code null}
	 * when one does. With only a signature sent, what is wrong with it is said; a token
	 * that does not match is said as such.
	 */
	private String authenticationProblem(UnaryOperator<String> header, byte[] body) {
		String signature = header.apply(SIGNATURE_HEADER);
		String token = header.apply(TOKEN_HEADER);
		HmacSignature.Verdict verdict = this.hmac.verify(signature, body);
		if (verdict == HmacSignature.Verdict.VALID || CallbackFields.matchesAny(token, this.tokens)) {
			return null;
		}
		boolean hasToken = token != null && !token.isBlank();
		if (verdict == HmacSignature.Verdict.MISSING && !hasToken) {
			return "The request has neither an " + SIGNATURE_HEADER + " nor an " + TOKEN_HEADER + " header: send "
					+ SIGNATURE_HEADER + ": sha256=<hex HMAC-SHA256 of the body> or " + TOKEN_HEADER + ": <secret>.";
		}
		return (hasToken && verdict == HmacSignature.Verdict.MISSING)
				? "The " + TOKEN_HEADER + " header does not match any configured secret."
				: verdict.describe(SIGNATURE_HEADER);
	}

	/**
	 * {@code https://ci/job/team/job/deploy/35/} → {@code team/deploy}: the name after
	 * each {@code job} segment.
	 */
	static String jobOfBuildUrl(String url) {
		if (url == null) {
			return null;
		}
		String path;
		try {
			path = URI.create(url).getPath();
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		if (path == null) {
			return null;
		}
		String[] segments = path.split("/");
		StringBuilder job = new StringBuilder();
		for (int i = 0; i + 1 < segments.length; i++) {
			if (segments[i].equals("job") && !segments[i + 1].isEmpty()) {
				job.append((job.length() > 0) ? "/" : "").append(segments[i + 1]);
				i++;
			}
		}
		return CallbackFields.scope(job.toString());
	}

	/** {@code tollgate.jenkins.webhook-secrets}: HMAC secrets, or tokens sent as-is. */
	@ConfigurationProperties("tollgate.jenkins")
	record Secrets(@DefaultValue List<String> webhookSecrets) {

		@Override
		public String toString() {
			return "Jenkins[webhookSecrets=<hidden>]";
		}

	}

}
