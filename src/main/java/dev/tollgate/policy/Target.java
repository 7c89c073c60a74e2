package dev.tollgate.policy;

import java.util.Map;

/**
 * Where a pipeline is started (contract section 4). Which fields apply depends on the kind; the
 * credential is a reference ({@code env:NAME} or {@code file:/path}), never a value.
 *
 * @param inputs GitHub workflow inputs
 * @param variables GitLab pipeline variables
 * @param parameters Jenkins build parameters
 */
public record Target(String name, Kind kind, String baseUrl, String repository, String workflow, String project,
		String job, String ref, String credentialRef, Map<String, String> inputs, Map<String, String> variables,
		Map<String, String> parameters) {

	public enum Kind {

		GITHUB_ACTIONS, GITLAB, JENKINS, NOOP

	}

	public static Target noop(String name) {
		return new Target(name, Kind.NOOP, null, null, null, null, null, null, null, null, null, null);
	}

}
