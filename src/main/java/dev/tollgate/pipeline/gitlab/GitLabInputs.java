package dev.tollgate.pipeline.gitlab;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.gitlab.GitLabTransport.Credential;
import dev.tollgate.pipeline.gitlab.GitLabTransport.Response;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.util.UriUtils;

import static dev.tollgate.pipeline.support.PipelineHttp.bounded;
import static dev.tollgate.pipeline.support.PipelineHttp.parse;
import static dev.tollgate.pipeline.support.PipelineHttp.scalar;

/**
 * Pipeline inputs with the types the CI file declares under {@code spec:inputs}. A
 * target's values are text (templates render to text), but GitLab checks each input
 * against its declared type and refuses {@code "3"} for a {@code type: number}. So before
 * an access token creates a pipeline with inputs, the declared types are read the way
 * GitLab's own "Run pipeline" form reads them, GraphQL's
 * {@code project.ciPipelineCreationInputs(ref)}, and each value is sent as that type: a
 * number as a JSON number, {@code true}/{@code false} as a boolean, an array written as a
 * JSON array ({@code ["eu","us"]}) as an array. A value that is not of its declared type
 * is refused here, permanently, with a reason that names the input, before anything is
 * sent.
 * <p>
 * When the types cannot be read (an older GitLab without the field, a token without
 * {@code read_api}/{@code api}, an answer that is no use) the values go as text, as they
 * did before, and GitLab's own check says what is wrong if a type does not fit. A trigger
 * token cannot read anything, so with one the inputs always go as text (form-encoded).
 */
final class GitLabInputs {

	private static final Logger log = LoggerFactory.getLogger(GitLabInputs.class);

	static final String GRAPHQL_PATH = "/api/graphql";

	static final String SPEC_QUERY = "query($fullPath: ID!, $ref: String!) { project(fullPath: $fullPath) "
			+ "{ ciPipelineCreationInputs(ref: $ref) { name type } } }";

	/** JSON's number grammar: what GitLab takes for a {@code type: number} input. */
	private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

	private static final Pattern NUMERIC_ID = Pattern.compile("[0-9]+");

	private final GitLabTransport transport;

	GitLabInputs(GitLabTransport transport) {
		this.transport = transport;
	}

	/**
	 * The values as the {@code inputs} object of a pipeline creation, each of the type
	 * the CI file on the project's ref declares for it (text where it declares none, or
	 * where the types cannot be read).
	 * @throws TriggerFailure permanent, if a value is not of its declared type
	 */
	Map<String, Object> typed(GitLabProject project, Map<String, String> values) {
		Map<String, String> declared = declaredTypes(project);
		Map<String, Object> inputs = new LinkedHashMap<>();
		values.forEach((name, value) -> inputs.put(name,
				(declared != null) ? convert(name, value, declared.get(name), project.ref()) : value));
		return inputs;
	}

	/**
	 * The value as the declared type (upper case, as GraphQL names it); text for
	 * {@code STRING}, an undeclared input and a type this version does not know.
	 */
	static Object convert(String name, String value, String type, String ref) {
		if (type == null) {
			return value;
		}
		String text = (value != null) ? value.strip() : "";
		switch (type) {
			case "NUMBER":
				if (NUMBER.matcher(text).matches()) {
					// Exact, whatever its size: a double could round it or overflow.
					return text.matches("-?[0-9]+") ? new BigInteger(text) : new BigDecimal(text);
				}
				throw refused(name, value, "number", ref, "a number such as 3 or 2.5");
			case "BOOLEAN":
				if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
					return Boolean.valueOf(text.toLowerCase(Locale.ROOT));
				}
				throw refused(name, value, "boolean", ref, "true or false");
			case "ARRAY":
				JsonNode array = text.startsWith("[") ? read(text) : null;
				if (array != null && array.isArray()) {
					return array;
				}
				throw refused(name, value, "array", ref, "a JSON array such as [\"eu\", \"us\"]");
			default:
				return value;
		}
	}

	private static JsonNode read(String text) {
		try {
			return GitLabTransport.JSON.readTree(text);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static TriggerFailure refused(String name, String value, String type, String ref, String expected) {
		return TriggerFailure.permanent("The CI file on " + ref + " declares the pipeline input " + name + " as type: "
				+ type + ", but the target's value \"" + bounded(String.valueOf(value)) + "\" is not " + expected
				+ ". Nothing was sent: fix the value in the target's variables "
				+ "(or the input's type in the CI file).");
	}

	/**
	 * The inputs the CI file on the ref declares, name to type; {@code null} when GitLab
	 * does not say (see the class comment).
	 */
	private Map<String, String> declaredTypes(GitLabProject project) {
		try {
			String fullPath = fullPath(project);
			if (fullPath == null) {
				return null;
			}
			Map<String, Object> request = new LinkedHashMap<>();
			request.put("query", SPEC_QUERY);
			request.put("variables", Map.of("fullPath", fullPath, "ref", project.ref()));
			Response response = this.transport.send(project, HttpMethod.POST, GRAPHQL_PATH,
					GitLabTransport.JSON.writeValueAsBytes(request), MediaType.APPLICATION_JSON, Credential.BEARER);
			JsonNode answer = response.successful() ? parse(response.body()) : null;
			JsonNode specs = (answer != null) ? answer.path("data").path("project").path("ciPipelineCreationInputs")
					: null;
			if (specs == null || !specs.isArray()) {
				log.info("GitLab did not say which inputs the CI file of {} declares ({}); the inputs go as text",
						project, response);
				return null;
			}
			Map<String, String> types = new LinkedHashMap<>();
			for (JsonNode spec : specs) {
				String name = scalar(spec.path("name"));
				String type = scalar(spec.path("type"));
				if (name != null && type != null) {
					types.put(name, type.toUpperCase(Locale.ROOT));
				}
			}
			return types;
		}
		catch (TriggerFailure ex) {
			log.info("The inputs the CI file of {} declares could not be read ({}); the inputs go as text", project,
					ex.getMessage());
			return null;
		}
	}

	/**
	 * The project's full path, as GraphQL names projects: the target's path, or for a
	 * numeric id GitLab's {@code path_with_namespace} (one call).
	 */
	private String fullPath(GitLabProject project) {
		String configured = UriUtils.decode(project.project(), StandardCharsets.UTF_8);
		if (!NUMERIC_ID.matcher(configured).matches()) {
			return configured;
		}
		Response response = this.transport.send(project, HttpMethod.GET, project.projectPath(), null, null,
				Credential.PRIVATE_TOKEN);
		JsonNode json = response.successful() ? parse(response.body()) : null;
		return (json != null) ? scalar(json.path("path_with_namespace")) : null;
	}

}
