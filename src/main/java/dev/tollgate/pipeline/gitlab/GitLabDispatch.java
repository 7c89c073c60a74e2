package dev.tollgate.pipeline.gitlab;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.PipelineProvider.Run;
import dev.tollgate.pipeline.gitlab.GitLabTransport.Credential;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

import static dev.tollgate.pipeline.support.PipelineHttp.formEncode;
import static dev.tollgate.pipeline.support.PipelineHttp.parse;
import static dev.tollgate.pipeline.support.PipelineHttp.scalar;

/**
 * Creates the pipeline: with a trigger token, a form to {@code /trigger/pipeline}; with
 * an access token, JSON to {@code /pipeline}. The values go as pipeline variables; where
 * the project refuses variables (GitLab 18's default for new projects), once more as
 * pipeline inputs: with an access token as the types the CI file declares
 * ({@link GitLabInputs}), with a trigger token as text.
 */
final class GitLabDispatch {

	/** What the audit says of a trigger token's inputs. */
	static final String TRIGGER_TOKEN_TEXT_NOTE = "Inputs were sent as text (GitLab reads a text that is a JSON "
			+ "number, boolean or array as one): a trigger token cannot read the CI file's spec:inputs.";

	private final GitLabTransport transport;

	private final GitLabFailures failures;

	private final GitLabInputs inputs;

	GitLabDispatch(GitLabTransport transport, GitLabFailures failures, GitLabInputs inputs) {
		this.transport = transport;
		this.failures = failures;
		this.inputs = inputs;
	}

	Run withTriggerToken(GitLabProject project, Map<String, String> values) {
		String path = project.projectPath() + "/trigger/pipeline";
		Answer response = this.transport.send(project, HttpMethod.POST, path, triggerForm(project, "variables", values),
				MediaType.APPLICATION_FORM_URLENCODED, Credential.IN_BODY);
		if (variablesRefused(response)) {
			// A form carries text only, and a trigger token cannot read the CI file's
			// spec: the inputs go as text.
			Answer retry = this.transport.send(project, HttpMethod.POST, path, triggerForm(project, "inputs", values),
					MediaType.APPLICATION_FORM_URLENCODED, Credential.IN_BODY);
			return created(project, "POST " + path, retry, true).noting(TRIGGER_TOKEN_TEXT_NOTE);
		}
		return created(project, "POST " + path, response, false);
	}

	/**
	 * @param repeated an earlier attempt's outcome is unknown and the look-up found no
	 * pipeline for the decision
	 */
	Run withAccessToken(GitLabProject project, Map<String, String> values, boolean repeated) {
		String path = project.projectPath() + "/pipeline";
		List<Map<String, String>> variables = new ArrayList<>();
		values.forEach((key, value) -> {
			Map<String, String> variable = new LinkedHashMap<>();
			variable.put("key", key);
			variable.put("value", value);
			variable.put("variable_type", "env_var");
			variables.add(variable);
		});
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("ref", project.ref());
		body.put("variables", variables);
		Answer response = this.transport.send(project, HttpMethod.POST, path,
				GitLabTransport.JSON.writeValueAsBytes(body), MediaType.APPLICATION_JSON, Credential.PRIVATE_TOKEN);
		if (variablesRefused(response)) {
			if (repeated) {
				// GitLab shows a pipeline's variables but not its inputs: the look-up
				// could only have found an inputs pipeline by a workflow:name carrying
				// the decision id. Not finding one proves nothing, so sending again
				// could start a second pipeline.
				throw TriggerFailure.permanent(inputsRetryRefused(project, values.get(Templates.DECISION_ID)));
			}
			GitLabInputs.Declared declared = this.inputs.declared(project);
			Map<String, Object> withInputs = new LinkedHashMap<>();
			withInputs.put("ref", project.ref());
			withInputs.put("inputs", GitLabInputs.convert(values, declared, project.ref()));
			Answer retry = this.transport.send(project, HttpMethod.POST, path,
					GitLabTransport.JSON.writeValueAsBytes(withInputs), MediaType.APPLICATION_JSON,
					Credential.PRIVATE_TOKEN);
			if (!retry.successful()) {
				// The CI file may have changed since its types were learnt; a re-queued
				// job asks again.
				this.inputs.forget(project);
			}
			return created(project, "POST " + path, retry, true).noting(GitLabInputs.textNote(declared));
		}
		return created(project, "POST " + path, response, false);
	}

	private static String inputsRetryRefused(GitLabProject project, String decisionId) {
		return "An earlier attempt's outcome is unknown and the project takes pipeline inputs, not variables: "
				+ "GitLab does not show a pipeline's inputs, so its pipeline can only be found by a workflow:name "
				+ "carrying the decision id, and no pipeline on " + project.ref() + " has one for " + decisionId
				+ ". Not sent again, so as not to start a second pipeline. If no pipeline ran for it, re-queue "
				+ "this job; set workflow: name: \"tollgate $[[ inputs." + Templates.DECISION_ID
				+ " ]]\" in the CI file so that retries find it.";
	}

	private static byte[] triggerForm(GitLabProject project, String valuesName, Map<String, String> values) {
		StringJoiner form = new StringJoiner("&");
		form.add("token=" + formEncode(project.credential()));
		form.add("ref=" + formEncode(project.ref()));
		values.forEach((key, value) -> form.add(formEncode(valuesName + "[" + key + "]") + "=" + formEncode(value)));
		return form.toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * GitLab refuses pipeline variables on this project
	 * (ci_pipeline_variables_minimum_override_role).
	 */
	private static boolean variablesRefused(Answer response) {
		if (response.status() != 400 && response.status() != 403) {
			return false;
		}
		String text = response.bodyText().toLowerCase(Locale.ROOT);
		return text.contains("variables") && (text.contains("permission") || text.contains("not allowed"));
	}

	private Run created(GitLabProject project, String call, Answer response, boolean asInputs) {
		if (response.successful()) {
			JsonNode pipeline = parse(response.body());
			String id = (pipeline != null) ? scalar(pipeline.path("id")) : null;
			String url = (pipeline != null) ? scalar(pipeline.path("web_url")) : null;
			return new Run(id, url);
		}
		throw this.failures.creation(project, call, response, asInputs);
	}

}
