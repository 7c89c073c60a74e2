package dev.tollgate.pipeline.gitlab;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.pipeline.gitlab.GitLabTransport.Credential;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.util.UriUtils;

import static dev.tollgate.pipeline.support.PipelineHttp.bounded;
import static dev.tollgate.pipeline.support.PipelineHttp.parse;
import static dev.tollgate.pipeline.support.PipelineHttp.scalar;

/**
 * Pipeline inputs as the CI file declares them. GitLab's create-pipeline API takes an
 * {@code inputs} hash whose values are JSON strings, numbers, booleans or arrays, and
 * checks each against the {@code type} of its {@code spec:inputs} entry. Tollgate's
 * templates render text, so the declared types are asked of GitLab's GraphQL API
 * ({@code project(fullPath:) { ciPipelineCreationInputs(ref:) { name type } }}, the query
 * behind GitLab's own "Run pipeline" form, which reads the file as GitLab does, includes
 * and all) and each value is converted to its type before it is sent. A value that is not
 * of its declared type is a permanent failure naming the input; when the types cannot be
 * learnt the values go as text, and the run's audit says why. Learnt types are kept for
 * {@link #CACHE_TTL} per project and ref.
 */
final class GitLabInputs {

	/** How long learnt types are used before they are asked again. */
	static final Duration CACHE_TTL = Duration.ofMinutes(2);

	/** Entries kept at most (targets are few). */
	private static final int MAX_CACHED = 256;

	/**
	 * The part of GraphQL's answer Tollgate needs; the variables are typed as GitLab
	 * declares them.
	 */
	static final String QUERY = "query($fullPath: ID!, $ref: String!) { project(fullPath: $fullPath) "
			+ "{ ciPipelineCreationInputs(ref: $ref) { name type } } }";

	/** A JSON number, as GitLab's JSON parser reads one. */
	private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

	/** The types GitLab's {@code CiInputsType} enum names. */
	enum Type {

		STRING, NUMBER, BOOLEAN, ARRAY

	}

	/**
	 * What GitLab said of the CI file's inputs on a ref.
	 *
	 * @param types each declared input's type
	 * @param unknown why the types could not be learnt ({@code null} when they were)
	 */
	record Declared(Map<String, Type> types, String unknown) {

		static Declared unknown(String why) {
			return new Declared(Map.of(), why);
		}

	}

	private final GitLabTransport transport;

	private final Cache<String, Declared> cache;

	GitLabInputs(GitLabTransport transport, Clock clock) {
		this.transport = transport;
		this.cache = Caffeine.newBuilder()
			.expireAfterWrite(CACHE_TTL)
			.maximumSize(MAX_CACHED)
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.build();
	}

	/**
	 * The inputs the CI file on the project's ref declares, with their types: from the
	 * cache, else asked of GitLab. Never throws: what GitLab does not say is
	 * {@link Declared#unknown}.
	 */
	Declared declared(GitLabProject project) {
		String key = key(project);
		Declared cached = this.cache.getIfPresent(key);
		if (cached != null) {
			return cached;
		}
		Declared declared = ask(project);
		if (declared.unknown() == null) {
			// Only what GitLab said is kept: "unknown" is asked again next time.
			this.cache.put(key, declared);
		}
		return declared;
	}

	/**
	 * Drops what was learnt for the project's ref: GitLab refused the inputs, so the CI
	 * file may have changed, and a re-queued job should ask again.
	 */
	void forget(GitLabProject project) {
		this.cache.invalidate(key(project));
	}

	/**
	 * The values as the {@code inputs} hash: each declared input converted to its type,
	 * the others (and all of them when the types are unknown) as text.
	 * @throws TriggerFailure permanent, when a value is not of its declared type
	 */
	static Map<String, Object> convert(Map<String, String> values, Declared declared, String ref) {
		Map<String, Object> inputs = new LinkedHashMap<>();
		values.forEach((name, value) -> {
			Type type = declared.types().get(name);
			inputs.put(name,
					(type != null) ? typed(name, value, type, ref) : JsonNodeFactory.instance.stringNode(value));
		});
		return inputs;
	}

	/**
	 * What the audit says when the values went as text; {@code null} when they were
	 * typed.
	 */
	static String textNote(Declared declared) {
		return (declared.unknown() == null) ? null
				: "Inputs were sent as text (GitLab reads a text that is a JSON number, boolean or array as one): "
						+ declared.unknown() + ".";
	}

	private static JsonNode typed(String name, String value, Type type, String ref) {
		String trimmed = value.strip();
		switch (type) {
			case NUMBER -> {
				if (NUMBER.matcher(trimmed).matches()) {
					return JsonNodeFactory.instance.numberNode(new BigDecimal(trimmed));
				}
				throw notOfType(name, value, "number", "a number such as 3 or 2.5", ref);
			}
			case BOOLEAN -> {
				String lower = trimmed.toLowerCase(Locale.ROOT);
				if (lower.equals("true") || lower.equals("false")) {
					return JsonNodeFactory.instance.booleanNode(lower.equals("true"));
				}
				throw notOfType(name, value, "boolean", "true or false", ref);
			}
			case ARRAY -> {
				JsonNode array = parse(trimmed.getBytes(StandardCharsets.UTF_8));
				if (array != null && array.isArray()) {
					return array;
				}
				throw notOfType(name, value, "array", "a JSON array such as [\"a\", \"b\"]", ref);
			}
			default -> {
				return JsonNodeFactory.instance.stringNode(value);
			}
		}
	}

	private static TriggerFailure notOfType(String name, String value, String type, String expected, String ref) {
		String shown = (value.length() <= 60) ? value : value.substring(0, 60) + "…";
		return TriggerFailure.permanent("The CI file on " + ref + " declares input " + name + " as type: " + type
				+ ", and the target's value for it, '" + bounded(shown) + "', is not " + expected
				+ ". Not sent: correct the target's template, or the input's type under spec:inputs.");
	}

	private Declared ask(GitLabProject project) {
		try {
			String fullPath = fullPath(project);
			if (fullPath == null) {
				return Declared.unknown("GitLab did not show the full path of project " + project.project()
						+ ", which its GraphQL API needs to read the CI file's spec:inputs");
			}
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("query", QUERY);
			body.put("variables", Map.of("fullPath", fullPath, "ref", project.ref()));
			Answer answer = this.transport.send(project, HttpMethod.POST, "/api/graphql",
					GitLabTransport.JSON.writeValueAsBytes(body), MediaType.APPLICATION_JSON, Credential.BEARER);
			return read(project, answer);
		}
		catch (TriggerFailure ex) {
			return Declared.unknown("GitLab's GraphQL API did not answer the question for the CI file's "
					+ "spec:inputs (" + project.scrub(ex.getMessage()) + ")");
		}
	}

	/** The project's full path: as the target names it, or asked of GitLab for an id. */
	private String fullPath(GitLabProject project) {
		if (!project.project().chars().allMatch(Character::isDigit)) {
			return UriUtils.decode(project.project(), StandardCharsets.UTF_8);
		}
		Answer answer = this.transport.send(project, HttpMethod.GET, project.projectPath(), null, null,
				Credential.PRIVATE_TOKEN);
		JsonNode json = (answer.status() == 200) ? parse(answer.body()) : null;
		return (json != null) ? scalar(json.path("path_with_namespace")) : null;
	}

	private static Declared read(GitLabProject project, Answer answer) {
		JsonNode json = parse(answer.body());
		if (answer.status() != 200 || json == null) {
			return Declared.unknown(
					"GitLab answered " + answer.status() + " to the GraphQL question for the CI file's spec:inputs");
		}
		JsonNode inputs = json.path("data").path("project").path("ciPipelineCreationInputs");
		if (!inputs.isArray()) {
			JsonNode error = json.path("errors").path(0).path("message");
			String said = scalar(error);
			return Declared.unknown((said != null)
					? "GitLab's GraphQL API answered \"" + project.scrub(bounded(said)) + "\" for the CI file's "
							+ "spec:inputs on " + project.ref()
					: "GitLab's GraphQL API did not show the CI file's spec:inputs on " + project.ref()
							+ " to the token (it needs at least the Developer role and the api or read_api scope)");
		}
		Map<String, Type> types = new LinkedHashMap<>();
		for (JsonNode input : inputs) {
			String name = scalar(input.path("name"));
			Type type = type(scalar(input.path("type")));
			if (name != null && type != null) {
				types.put(name, type);
			}
		}
		return new Declared(Map.copyOf(types), null);
	}

	/** A type this version does not know is left out: its value goes as text. */
	private static Type type(String name) {
		if (name == null) {
			return null;
		}
		try {
			return Type.valueOf(name.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static String key(GitLabProject project) {
		return project.base() + " " + project.project() + " " + project.ref();
	}

}
