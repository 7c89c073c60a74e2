package dev.tollgate.pipeline.github;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.policy.Target;
import dev.tollgate.policy.TargetKindRules.Problems;

/**
 * What a GitHub target names, checked before any request is built from it: the API base
 * (no trailing slash), owner, repository, workflow and ref. The names end up in URI
 * templates, so anything that could change the request's path or host is refused here, as
 * a permanent failure.
 */
record GitHubWorkflow(String base, String owner, String repo, String workflow, String ref) {

	static final String DEFAULT_BASE_URL = "https://api.github.com";

	/** The folder a workflow file lives in; a target may name the file with it. */
	static final String WORKFLOWS_DIR = ".github/workflows/";

	/** owner/name, as GitHub spells repositories. */
	private static final Pattern REPOSITORY = Pattern.compile("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$");

	// GitHub: owners are letters, digits and hyphens; repositories add '.' and '_'.
	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

	static GitHubWorkflow of(Target target) {
		String base = base(target.baseUrl());
		String repository = (target.repository() != null) ? target.repository().strip() : "";
		String[] parts = repository.split("/", -1);
		if (parts.length != 2 || !validName(parts[0]) || !validName(parts[1])) {
			throw TriggerFailure
				.permanent("The GitHub target's repository must be \"owner/name\", not \"" + repository + "\".");
		}
		String workflow = fileName((target.workflow() != null) ? target.workflow() : "");
		if (!validWorkflow(workflow)) {
			throw TriggerFailure.permanent("The GitHub target's workflow must be a workflow file name "
					+ "(deploy.yml) or id, not \"" + target.workflow() + "\".");
		}
		String ref = (target.ref() != null) ? target.ref().strip() : "";
		if (ref.isEmpty()) {
			throw TriggerFailure.permanent("The GitHub target has no ref (the branch or tag to run on).");
		}
		return new GitHubWorkflow(base, parts[0], parts[1], workflow, ref);
	}

	/**
	 * What a GitHub target must carry, checked when it is saved; {@link #of} checks the
	 * same fields again when a run is triggered.
	 */
	static void check(Target target, Problems problems) {
		problems.allowed(target.auth(), "auth", "TOKEN", "APP");
		if ("APP".equals(target.auth())) {
			problems.require(target.appId(), "appId");
			problems.require(target.installationId(), "installationId");
		}
		problems.require(target.repository(), "repository");
		problems.require(target.workflow(), "workflow");
		problems.require(target.ref(), "ref");
		problems.require(target.credentialRef(), "credentialRef");
		if (target.repository() != null && !REPOSITORY.matcher(target.repository()).matches()) {
			problems.add("repository", "must be owner/name");
		}
		// The same rule the trigger applies, said on save rather than by a dead job.
		if (target.workflow() != null && !target.workflow().isBlank() && !validWorkflow(fileName(target.workflow()))) {
			problems.add("workflow", "must be a workflow file name (deploy.yml) or id, not a path");
		}
	}

	/**
	 * The workflow as configured, stripped and without a leading {@value #WORKFLOWS_DIR}.
	 */
	static String fileName(String configured) {
		String workflow = configured.strip();
		return workflow.startsWith(WORKFLOWS_DIR) ? workflow.substring(WORKFLOWS_DIR.length()) : workflow;
	}

	/** A workflow file name or id: one path segment, never a path. */
	static boolean validWorkflow(String workflow) {
		return !workflow.isEmpty() && !workflow.equals(".") && !workflow.equals("..") && !workflow.contains("/")
				&& !workflow.contains("\\");
	}

	private static boolean validName(String name) {
		return NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
	}

	/**
	 * The API base: https://api.github.com, or https://host/api/v3 for GitHub Enterprise
	 * Server.
	 */
	static String base(String configured) {
		String base = (configured != null && !configured.isBlank()) ? configured.strip() : DEFAULT_BASE_URL;
		while (base.endsWith("/")) {
			base = base.substring(0, base.length() - 1);
		}
		URI uri;
		try {
			uri = URI.create(base);
		}
		catch (IllegalArgumentException ex) {
			throw TriggerFailure.permanent("The GitHub target's baseUrl is not a valid URL.");
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		// No query, fragment, user info or escapes: the base is a literal prefix of URI
		// templates.
		if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getRawQuery() != null
				|| uri.getRawFragment() != null || uri.getRawUserInfo() != null || base.contains("%")) {
			throw TriggerFailure.permanent("The GitHub target's baseUrl must look like " + DEFAULT_BASE_URL
					+ " or https://ghes.example.com/api/v3.");
		}
		return base;
	}

	@Override
	public String toString() {
		return this.owner + "/" + this.repo + " workflow " + this.workflow;
	}

}
