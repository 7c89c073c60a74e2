package dev.tollgate.pipeline.jenkins;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.pipeline.PipelineProvider;
import dev.tollgate.pipeline.jenkins.JenkinsTransport.Crumb;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.pipeline.support.PipelineProperties;
import dev.tollgate.pipeline.support.PipelineHttp;
import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.Templates;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.policy.Target;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

import static dev.tollgate.pipeline.jenkins.JenkinsCrumbs.mentionsCrumb;
import static dev.tollgate.pipeline.support.PipelineHttp.formEncode;
import static dev.tollgate.pipeline.support.PipelineHttp.parse;

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
 * <p>
 * This class is the provider the rest of Tollgate calls and decides what each attempt
 * does; the parts it relies on each have their own class: {@link JenkinsJob} (the target,
 * checked), {@link JenkinsTransport} (one call), {@link JenkinsFailures} (what an answer
 * means), {@link JenkinsCrumbs} (CSRF crumbs), {@link JenkinsQueue} (following the queue
 * item) and {@link JenkinsBuilds} (finding a decision's build).
 */
@Component
public class JenkinsClient implements PipelineProvider, DisposableBean {

	private static final java.util.regex.Pattern BUILD_NUMBER = java.util.regex.Pattern.compile("[0-9]{1,10}");

	static final Duration POLL_INTERVAL = Duration.ofMillis(250);

	static final Duration MAX_POLL_BUDGET = Duration.ofSeconds(10);

	private final JenkinsTransport transport;

	private final JenkinsFailures failures = new JenkinsFailures();

	private final JenkinsCrumbs crumbs;

	private final JenkinsBuilds builds;

	private final JenkinsQueue queue;

	@Autowired
	JenkinsClient(OutboundPolicy policy, PipelineProperties properties) {
		// Polling stays within one read timeout, so the attempt as a whole stays well
		// inside the job lease.
		this(policy, properties, POLL_INTERVAL,
				(properties.readTimeout().compareTo(MAX_POLL_BUDGET) < 0) ? properties.readTimeout() : MAX_POLL_BUDGET);
	}

	public JenkinsClient(OutboundPolicy policy, PipelineProperties properties, Duration pollInterval,
			Duration pollBudget) {
		this.transport = new JenkinsTransport(policy, properties);
		this.crumbs = new JenkinsCrumbs(this.transport, this.failures);
		this.builds = new JenkinsBuilds(this.transport);
		this.queue = new JenkinsQueue(this.transport, this.builds, pollInterval, pollBudget);
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
				JenkinsJob.jobPath(target.job());
			}
			catch (TriggerFailure ex) {
				problems.add("job", "must be a job name or a folder path like team/deploy, without . or .. parts");
			}
		}
	}

	@Override
	public String webRoot(Target target) {
		try {
			return CallbackFields.root(JenkinsJob.baseUrl(target.baseUrl()));
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
		JenkinsJob job = JenkinsJob.of(call.target().baseUrl(), call.target().job(), call.credential());
		String decisionId = call.request().decisionId().toString();
		if (call.attempt() > 1) {
			Run earlier = this.builds.find(job, decisionId);
			if (earlier != null) {
				return earlier;
			}
		}
		Map<String, String> parameters = new LinkedHashMap<>(call.values());
		parameters.remove(Templates.DECISION_ID);
		parameters.put(Templates.DECISION_ID, decisionId);
		byte[] form = form(parameters);
		String path = job.jobPath() + "/buildWithParameters";
		Answer response = this.transport.send(job, HttpMethod.POST, path, form, null);
		if (response.status() == 403 && mentionsCrumb(response)) {
			Crumb crumb = this.crumbs.fetch(job, "POST " + path);
			response = this.transport.send(job, HttpMethod.POST, path, form, crumb);
		}
		if (response.successful() || JenkinsQueue.seeOtherQueueItem(job, response)) {
			return this.queue.follow(job, response, decisionId);
		}
		throw this.failures.trigger(job, "POST " + path, response);
	}

	@Override
	public Run findRun(TriggerCall call) {
		JenkinsJob job = JenkinsJob.of(call.target().baseUrl(), call.target().job(), call.credential());
		return this.builds.find(job, call.request().decisionId().toString());
	}

	@Override
	public void destroy() throws Exception {
		this.transport.destroy();
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
		JenkinsJob job = JenkinsJob.of(target.baseUrl(), target.job(), credential);
		String unanswered = "the answer is sent again later";
		byte[] empty = new byte[0];
		Answer response = this.transport.send(job, HttpMethod.POST, path, empty, null, unanswered);
		if (response.status() == 403 && mentionsCrumb(response)) {
			Crumb crumb = this.crumbs.fetch(job, "POST " + path);
			response = this.transport.send(job, HttpMethod.POST, path, empty, crumb, unanswered);
		}
		if (!response.successful()) {
			throw this.failures.gate(job, what, path, response);
		}
	}

	/**
	 * A Jenkins notification is sent by the pipeline itself, so the decision id it names
	 * is the build's word only: a build Tollgate did not learn at dispatch is the
	 * decision's only when its own parameter says so.
	 */
	@Override
	public boolean confirmsDecisionIds() {
		return true;
	}

	/**
	 * The build's {@code TOLLGATE_DECISION_ID} parameter, read at
	 * {@code {base}/job/…/{number}/api/json}: the path is made of the target's job and
	 * the number, never of a URL the notification sent, so the credential goes only where
	 * the target points. A number that is not one is no build ({@code null}).
	 */
	@Override
	public String runDecisionId(Target target, Secret credential, String runId) {
		if (runId == null || !BUILD_NUMBER.matcher(runId).matches()) {
			return null;
		}
		String path = JenkinsJob.jobPath(target.job()) + "/" + Long.parseLong(runId) + "/";
		return buildDecisionId(target, credential, path);
	}

	/**
	 * The {@code TOLLGATE_DECISION_ID} parameter of one build of the target's job
	 * ({@code null} when it has none, or Jenkins does not show the build to the target's
	 * user).
	 * @param path the build's path below the base URL, already checked, ending in a slash
	 * @throws TriggerFailure transient for 429, 5xx or no answer: the build may well be
	 * the decision's, so it is asked again later
	 */
	String buildDecisionId(Target target, Secret credential, String path) {
		JenkinsJob job = JenkinsJob.of(target.baseUrl(), target.job(), credential);
		Answer response = this.transport.send(job, HttpMethod.GET,
				path + "api/json?tree=" + PipelineHttp.queryEncode("actions[parameters[name,value]]"), null, null,
				"the build's parameters are read again later");
		if (response.status() == 429 || response.status() >= 500) {
			throw TriggerFailure.transientFailure(
					"Jenkins answered " + response.status() + " to GET " + path
							+ "api/json (the build's parameters); asked again later.",
					response.retryAfter(java.time.Instant.now()));
		}
		return response.successful() ? JenkinsBuilds.decisionId(parse(response.body())) : null;
	}

	private static byte[] form(Map<String, String> parameters) {
		StringJoiner form = new StringJoiner("&");
		parameters.forEach((name, value) -> form.add(formEncode(name) + "=" + formEncode(value)));
		return form.toString().getBytes(StandardCharsets.UTF_8);
	}

}
