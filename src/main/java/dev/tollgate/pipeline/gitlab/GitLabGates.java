package dev.tollgate.pipeline.gitlab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.DeploymentGates;
import dev.tollgate.pipeline.GateAsk;
import dev.tollgate.pipeline.StatusCallback;
import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.policy.Gate;
import dev.tollgate.policy.Target;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

import static dev.tollgate.pipeline.support.PipelineHttp.queryEncode;

/**
 * GitLab deployment approvals: the gate's environment is protected, and the target's
 * token user is its required approver. GitLab holds a deployment to it as
 * {@code blocked}; Tollgate learns of it from a Deployment Hook and, because a webhook
 * can be lost, from a poll of the blocked deployments, and answers through the deployment
 * approval API. When GitLab leaves the approved job manual, Tollgate plays it.
 * <p>
 * Every URL is built from the target (its base URL and project); what a webhook says only
 * names a deployment and job inside that project.
 */
@Component
class GitLabGates implements DeploymentGates.Answers {

	/** GitLab stores at most this many characters of an approval's comment. */
	static final int MAX_COMMENT = 255;

	/** Blocked deployments read per poll of one gate (GitLab's page maximum). */
	static final int PER_PAGE = 100;

	private static final String DIGITS = "[0-9]{1,20}";

	private final GitLabPipelineClient client;

	GitLabGates(GitLabPipelineClient client) {
		this.client = client;
	}

	@Override
	public Target.Kind kind() {
		return Target.Kind.GITLAB;
	}

	/**
	 * A Deployment Hook, already authenticated: only {@code blocked} asks. The hook names
	 * the job, not its pipeline; the review reads the deployment for that
	 * ({@link #completed}).
	 */
	static StatusCallback read(JsonNode root, String deliveryId) {
		JsonNode project = root.path("project");
		String deployment = CallbackFields.text(root.path("deployment_id"));
		String environment = CallbackFields.text(root.path("environment"));
		String path = CallbackFields.text(project.path("path_with_namespace"));
		if (!"blocked".equals(root.path("status").asString("")) || deployment == null || environment == null
				|| path == null) {
			return StatusCallback.ignored();
		}
		if (!deployment.matches(DIGITS)) {
			throw new IllegalArgumentException("deployment_id is not a deployment id.");
		}
		Map<String, String> answer = new LinkedHashMap<>();
		answer.put("deploymentId", deployment);
		put(answer, "projectId", CallbackFields.text(project.path("id")));
		put(answer, "jobId", CallbackFields.text(root.path("deployable_id")));
		List<String> texts = List.of(nonNull(CallbackFields.text(root.path("ref"))),
				nonNull(CallbackFields.text(root.path("commit_title"))));
		return new StatusCallback.Waiting(
				new GateAsk(Target.Kind.GITLAB, deliveryId, CallbackFields.scope(path), deployment, environment, null,
						CallbackFields.text(root.path("deployable_url")), null, null, texts, answer));
	}

	/**
	 * A deployment as GitLab's deployments API shows it ({@code id}, {@code ref},
	 * {@code environment}, {@code deployable} with its {@code pipeline} and
	 * {@code commit}); {@code null} when it names no deployment or environment.
	 */
	static GateAsk ask(JsonNode deployment, String scope, String deliveryId) {
		String id = CallbackFields.text(deployment.path("id"));
		String environment = CallbackFields.text(deployment.path("environment").path("name"));
		if (id == null || !id.matches(DIGITS) || environment == null) {
			return null;
		}
		JsonNode job = deployment.path("deployable");
		JsonNode pipeline = job.path("pipeline");
		Map<String, String> answer = new LinkedHashMap<>();
		answer.put("deploymentId", id);
		put(answer, "projectId", CallbackFields.text(pipeline.path("project_id")));
		put(answer, "jobId", CallbackFields.text(job.path("id")));
		String runUrl = CallbackFields.text(pipeline.path("web_url"));
		List<String> texts = new ArrayList<>();
		texts.add(nonNull(CallbackFields.text(deployment.path("ref"))));
		texts.add(nonNull(CallbackFields.text(job.path("commit").path("title"))));
		texts.add(nonNull(CallbackFields.text(job.path("commit").path("message"))));
		return new GateAsk(Target.Kind.GITLAB, deliveryId, scope, id, environment,
				CallbackFields.text(pipeline.path("id")),
				(runUrl != null) ? runUrl : CallbackFields.text(job.path("web_url")), null, null, texts, answer);
	}

	/**
	 * A target may name its project by path or by numeric id, and a webhook names both:
	 * the question is the target's when either is the target's, and from then on it
	 * carries the target's name, so a webhook and the poll bring one review.
	 */
	@Override
	public GateAsk askedOf(Target target, String targetScope, GateAsk ask) {
		if (targetScope == null) {
			return null;
		}
		if (targetScope.equals(ask.scope())) {
			return ask;
		}
		String projectId = ask.answer().get("projectId");
		if (projectId == null || !targetScope.equals(CallbackFields.scope(projectId))) {
			return null;
		}
		return new GateAsk(ask.provider(), ask.deliveryId(), targetScope, ask.subject(), ask.environment(), ask.runId(),
				ask.runUrl(), ask.decisionId(), ask.issueKey(), ask.texts(), ask.answer());
	}

	@Override
	public String refusal(Target target, GateAsk ask) {
		if (this.client.cannotGate(target) != null) {
			return "a GitLab gate answers with the target's access token (\"auth\": \"ACCESS_TOKEN\"), and target '"
					+ target.name() + "' has none";
		}
		if (ask.scope() == null || !ask.scope().equals(this.client.runScope(target))) {
			return "the deployment is not in the target's project " + target.project();
		}
		String deployment = ask.answer().get("deploymentId");
		if (deployment == null || !deployment.matches(DIGITS)) {
			return "the request names no deployment";
		}
		return null;
	}

	/** A webhook's question with its pipeline, read from the deployment. */
	@Override
	public GateAsk completed(Target target, GateAsk ask, Secret credential) {
		if (ask.runId() != null) {
			return ask;
		}
		JsonNode deployment = this.client.gateCall(HttpMethod.GET, target, credential,
				"/deployments/" + id(ask, "deploymentId", "deployment"), null, "reading the blocked deployment");
		GateAsk read = (deployment != null) ? ask(deployment, ask.scope(), ask.deliveryId()) : null;
		if (read == null) {
			return ask;
		}
		List<String> texts = new ArrayList<>(ask.texts());
		texts.addAll(read.texts());
		Map<String, String> answer = new LinkedHashMap<>(read.answer());
		answer.putAll(ask.answer());
		return new GateAsk(ask.provider(), ask.deliveryId(), ask.scope(), ask.subject(), ask.environment(),
				read.runId(), (read.runUrl() != null) ? read.runUrl() : ask.runUrl(), ask.decisionId(), ask.issueKey(),
				texts, answer);
	}

	/**
	 * The deployments blocked now in the gate's environment; in every environment of the
	 * project for a gate on {@code *}, which GitLab cannot filter by.
	 */
	@Override
	public boolean polled() {
		return true;
	}

	@Override
	public List<GateAsk> waiting(Target target, Gate gate, Secret credential) {
		String environment = gate.environment().strip();
		String filter = "*".equals(environment) ? "" : "environment=" + queryEncode(environment) + "&";
		JsonNode deployments = this.client.gateCall(HttpMethod.GET, target, credential,
				"/deployments?" + filter + "status=blocked&per_page=" + PER_PAGE, null, "listing blocked deployments");
		List<GateAsk> asks = new ArrayList<>();
		if (deployments == null || !deployments.isArray()) {
			return asks;
		}
		String scope = this.client.runScope(target);
		for (JsonNode deployment : deployments) {
			GateAsk ask = ask(deployment, scope, "poll:" + CallbackFields.text(deployment.path("id")));
			if (ask != null) {
				asks.add(ask);
			}
		}
		return asks;
	}

	/**
	 * The approval, then, when approved and GitLab left the job manual (a {@code when:
	 * manual} deploy job stays so after its approvals), the job played. Approving again
	 * after a retry is harmless: GitLab keeps one approval per user.
	 */
	@Override
	public void answer(Target target, Gate gate, GateAsk ask, boolean approved, String comment, Secret credential) {
		String deployment = id(ask, "deploymentId", "deployment");
		Map<String, String> approval = new LinkedHashMap<>();
		approval.put("status", approved ? "approved" : "rejected");
		approval.put("comment", bounded(comment));
		this.client.gateCall(HttpMethod.POST, target, credential, "/deployments/" + deployment + "/approval", approval,
				"the deployment approval");
		String job = ask.answer().get("jobId");
		if (!approved || job == null) {
			return;
		}
		if (!job.matches(DIGITS)) {
			throw TriggerFailure.permanent("The deployment names no job to play.");
		}
		JsonNode read = this.client.gateCall(HttpMethod.GET, target, credential, "/jobs/" + job, null,
				"reading the deployment's job");
		if (read != null && "manual".equals(read.path("status").asString(""))) {
			this.client.gateCall(HttpMethod.POST, target, credential, "/jobs/" + job + "/play", null,
					"playing the deployment's manual job");
		}
	}

	private static String id(GateAsk ask, String key, String what) {
		String id = ask.answer().get(key);
		if (id == null || !id.matches(DIGITS)) {
			throw TriggerFailure.permanent("The request names no " + what + ".");
		}
		return id;
	}

	private static void put(Map<String, String> answer, String key, String value) {
		if (value != null) {
			answer.put(key, value);
		}
	}

	private static String nonNull(String text) {
		return (text != null) ? text : "";
	}

	private static String bounded(String comment) {
		String text = (comment != null) ? comment : "";
		return (text.length() > MAX_COMMENT) ? text.substring(0, MAX_COMMENT - 1) + "…" : text;
	}

}
