package dev.tollgate.pipeline.github;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tollgate.pipeline.DeploymentGates;
import dev.tollgate.pipeline.GateAsk;
import dev.tollgate.pipeline.StatusCallback;
import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.policy.Gate;
import dev.tollgate.policy.Target;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

/**
 * GitHub custom deployment protection rules: Tollgate is the GitHub App an environment's
 * rule names. GitHub sends {@code deployment_protection_rule} ({@code requested}) when a
 * job waits for the environment, and takes the review at the run's
 * {@code …/actions/runs/{run_id}/deployment_protection_rule}, from the App's installation
 * only. The {@code deployment_callback_url} is used only when it is exactly that URL
 * under the target's API base and repository; the installation must be the target's.
 */
@Component
class GitHubGates implements DeploymentGates.Answers {

	/** How long a comment GitHub shows beside the review may be (bounded by us). */
	static final int MAX_COMMENT = 1000;

	/** Pull requests whose titles are read for an issue key, at most. */
	static final int MAX_PULL_REQUESTS = 3;

	private static final Pattern RUN_ID = Pattern.compile("/actions/runs/([0-9]{1,20})/deployment_protection_rule$");

	private final GitHubActionsClient client;

	GitHubGates(GitHubActionsClient client) {
		this.client = client;
	}

	@Override
	public Target.Kind kind() {
		return Target.Kind.GITHUB_ACTIONS;
	}

	/** A {@code deployment_protection_rule} event, already authenticated. */
	static StatusCallback read(JsonNode root, String deliveryId) {
		String callbackUrl = CallbackFields.text(root.path("deployment_callback_url"));
		String environment = CallbackFields.text(root.path("environment"));
		String repository = CallbackFields.text(root.path("repository").path("full_name"));
		if (!"requested".equals(root.path("action").asString("")) || callbackUrl == null || environment == null
				|| repository == null) {
			return StatusCallback.ignored();
		}
		Matcher runId = RUN_ID.matcher(callbackUrl);
		if (!runId.find()) {
			throw new IllegalArgumentException("deployment_callback_url names no workflow run.");
		}
		JsonNode deployment = root.path("deployment");
		List<String> texts = new ArrayList<>();
		texts.add(CallbackFields.text(deployment.path("ref")));
		texts.add(CallbackFields.text(root.path("ref")));
		for (JsonNode pull : root.path("pull_requests").values()) {
			texts.add(CallbackFields.text(pull.path("title")));
			texts.add(CallbackFields.text(pull.path("head").path("ref")));
		}
		Map<String, String> answer = new LinkedHashMap<>();
		answer.put("callbackUrl", callbackUrl);
		answer.put("repository", repository);
		String installation = CallbackFields.text(root.path("installation").path("id"));
		if (installation != null) {
			answer.put("installationId", installation);
		}
		String htmlUrl = CallbackFields.text(root.path("repository").path("html_url"));
		String runUrl = (htmlUrl != null) ? htmlUrl + "/actions/runs/" + runId.group(1) : null;
		return new StatusCallback.Waiting(
				new GateAsk(Target.Kind.GITHUB_ACTIONS, deliveryId, CallbackFields.scope(repository), runId.group(1),
						environment, runId.group(1), runUrl, null, null, texts, answer));
	}

	@Override
	public String refusal(Target target, GateAsk ask) {
		String expected;
		try {
			expected = runUrl(target, ask) + "/deployment_protection_rule";
		}
		catch (TriggerFailure ex) {
			return ex.getMessage();
		}
		if (!expected.equalsIgnoreCase(ask.answer().get("callbackUrl"))) {
			return "the deployment_callback_url is not the run's review URL under the target's API base (" + expected
					+ ")";
		}
		String installation = ask.answer().get("installationId");
		if (installation != null && target.installationId() != null
				&& !installation.equals(target.installationId().strip())) {
			return "the request came through installation " + installation + ", not the target's "
					+ target.installationId();
		}
		return null;
	}

	@Override
	public List<String> moreTexts(Target target, GateAsk ask, Secret credential) {
		List<String> texts = new ArrayList<>();
		JsonNode run = this.client.gateCall(HttpMethod.GET, URI.create(runUrl(target, ask)), target, credential, null,
				"reading the waiting run");
		if (run == null) {
			return texts;
		}
		texts.add(CallbackFields.text(run.path("display_title")));
		texts.add(CallbackFields.text(run.path("name")));
		texts.add(CallbackFields.text(run.path("head_branch")));
		texts.add(CallbackFields.text(run.path("head_commit").path("message")));
		int read = 0;
		for (JsonNode pull : run.path("pull_requests").values()) {
			String number = CallbackFields.text(pull.path("number"));
			if (number == null || !number.matches("[0-9]{1,10}") || read++ >= MAX_PULL_REQUESTS) {
				continue;
			}
			Repo repo = repository(target);
			JsonNode details = this.client.gateCall(
					HttpMethod.GET, this.client.expand(repo.base() + "/repos/{owner}/{repo}/pulls/{number}",
							repo.owner(), repo.repo(), number),
					target, credential, null, "reading pull request " + number);
			if (details != null) {
				texts.add(CallbackFields.text(details.path("title")));
				texts.add(CallbackFields.text(details.path("head").path("ref")));
			}
		}
		return texts;
	}

	@Override
	public void answer(Target target, Gate gate, GateAsk ask, boolean approved, String comment, Secret credential) {
		Map<String, String> review = new LinkedHashMap<>();
		review.put("environment_name", ask.environment());
		review.put("state", approved ? "approved" : "rejected");
		review.put("comment", bounded(comment));
		this.client.gateCall(HttpMethod.POST, URI.create(runUrl(target, ask) + "/deployment_protection_rule"), target,
				credential, review, "the deployment protection rule review");
	}

	/** A status note: the same call without {@code state}. */
	@Override
	public void note(Target target, GateAsk ask, String comment, Secret credential) {
		Map<String, String> note = new LinkedHashMap<>();
		note.put("environment_name", ask.environment());
		note.put("comment", bounded(comment));
		this.client.gateCall(HttpMethod.POST, URI.create(runUrl(target, ask) + "/deployment_protection_rule"), target,
				credential, note, "the deployment protection rule status note");
	}

	/** The run's API URL, built from the target (never from the request). */
	private String runUrl(Target target, GateAsk ask) {
		if (ask.runId() == null || !ask.runId().matches("[0-9]{1,20}")) {
			throw TriggerFailure.permanent("The request names no workflow run.");
		}
		Repo repo = repository(target);
		return this.client
			.expand(repo.base() + "/repos/{owner}/{repo}/actions/runs/{runId}", repo.owner(), repo.repo(), ask.runId())
			.toString();
	}

	private static Repo repository(Target target) {
		String repository = (target.repository() != null) ? target.repository().strip() : "";
		String[] parts = repository.split("/", -1);
		if (parts.length != 2) {
			throw TriggerFailure.permanent("The GitHub target's repository must be \"owner/name\".");
		}
		return new Repo(GitHubWorkflow.base(target.baseUrl()), parts[0], parts[1]);
	}

	private record Repo(String base, String owner, String repo) {
	}

	private static String bounded(String comment) {
		String text = (comment != null) ? comment : "";
		return (text.length() > MAX_COMMENT) ? text.substring(0, MAX_COMMENT - 1) + "…" : text;
	}

}
