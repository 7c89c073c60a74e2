package dev.tollgate.pipeline.gitlab;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.pipeline.gitlab.GitLabTransport.Credential;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.policy.Target;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

import static dev.tollgate.pipeline.support.PipelineHttp.parse;
import static dev.tollgate.pipeline.support.PipelineHttp.withoutQuery;
import static dev.tollgate.pipeline.gitlab.GitLabProject.ACCESS_TOKEN;

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
 * {@code spec:inputs}; with an access token they go as the types it declares (learnt from
 * GitLab's GraphQL API, text when it does not say), with a trigger token as text.
 * <p>
 * On a repeated attempt ("outcome unknown" after a timeout) with an access token, the
 * recent pipelines of the ref are searched for the decision id (in the pipeline's name,
 * or its variables) before anything is sent again. GitLab does not show a pipeline's
 * inputs, so in inputs mode only a {@code workflow:name} carrying the id can be found; a
 * repeated attempt that finds nothing there is refused rather than sent blind. A trigger
 * token cannot read pipelines, so then the trigger is re-sent (the pipeline can spot the
 * repeat by the decision id).
 * <p>
 * This class is the provider the rest of Tollgate calls and decides what each attempt
 * does; the parts it relies on each have their own class: {@link GitLabProject} (the
 * target, checked), {@link GitLabTransport} (one request), {@link GitLabFailures} (what
 * an answer means), {@link GitLabDispatch} (creating the pipeline), {@link GitLabInputs}
 * (the types the CI file declares for its inputs) and {@link GitLabRuns} (finding a
 * decision's pipeline).
 */
@Component
public class GitLabPipelineClient implements PipelineProvider, DisposableBean {

	private final GitLabTransport transport;

	private final GitLabFailures failures;

	private final GitLabDispatch dispatch;

	private final GitLabRuns runs;

	@Autowired
	public GitLabPipelineClient(OutboundPolicy policy, PipelineProperties properties) {
		this(policy, properties, Clock.systemUTC());
	}

	GitLabPipelineClient(OutboundPolicy policy, PipelineProperties properties, Clock clock) {
		this.transport = new GitLabTransport(policy, properties);
		this.failures = new GitLabFailures(clock);
		this.dispatch = new GitLabDispatch(this.transport, this.failures, new GitLabInputs(this.transport, clock));
		this.runs = new GitLabRuns(this.transport, clock);
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
				GitLabProject.projectSegment(target.project());
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
			return CallbackFields.root(GitLabProject.baseUrl(target.baseUrl()));
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
		String auth = GitLabProject.auth(target.auth());
		String base = GitLabProject.baseUrl(target.baseUrl());
		String segment = GitLabProject.projectSegment(target.project());
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
		GitLabProject project = new GitLabProject(base, segment, target.ref(), call.credential().reveal());
		if (ACCESS_TOKEN.equals(auth)) {
			if (call.attempt() > 1) {
				Run earlier = this.runs.find(project, decisionId);
				if (earlier != null) {
					return earlier;
				}
			}
			return this.dispatch.withAccessToken(project, values, call.attempt() > 1);
		}
		return this.dispatch.withTriggerToken(project, values);
	}

	/** Only an access token can list pipelines; a trigger token cannot. */
	@Override
	public Run findRun(TriggerCall call) {
		Target target = call.target();
		if (!ACCESS_TOKEN.equals(GitLabProject.auth(target.auth())) || call.credential() == null) {
			return null;
		}
		GitLabProject project = GitLabProject.of(target.baseUrl(), target.project(), target.ref(),
				call.credential().reveal());
		return this.runs.find(project, call.request().decisionId().toString());
	}

	@Override
	public void destroy() throws Exception {
		this.transport.destroy();
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
		GitLabProject project = GitLabProject.of(target.baseUrl(), target.project(), target.ref(), credential.reveal());
		byte[] bytes = (body != null) ? GitLabTransport.JSON.writeValueAsBytes(body) : null;
		String call = method.name() + " " + project.projectPath() + withoutQuery(path);
		Answer response;
		try {
			response = this.transport.send(project, method, project.projectPath() + path, bytes,
					(bytes != null) ? MediaType.APPLICATION_JSON : null, Credential.PRIVATE_TOKEN);
		}
		catch (TriggerFailure ex) {
			if (ex.permanent()) {
				throw ex;
			}
			throw TriggerFailure
				.transientFailure("GitLab did not answer " + what + " (" + call + "); it is tried again.", null);
		}
		if (response.successful()) {
			return parse(response.body());
		}
		throw this.failures.gate(project, what, call, response);
	}

}
