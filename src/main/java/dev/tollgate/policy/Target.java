package dev.tollgate.policy;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Where a pipeline is started. Which fields apply depends on the kind; the credential is
 * a reference ({@code env:NAME} or {@code file:/path}), never a value.
 *
 * @param inputs GitHub workflow inputs
 * @param variables GitLab pipeline variables
 * @param parameters Jenkins build parameters
 * @param auth how the credential is used: GitHub {@code TOKEN} (default) or {@code APP};
 * GitLab {@code TRIGGER_TOKEN} (default) or {@code ACCESS_TOKEN}; Jenkins
 * {@code API_TOKEN} ({@code user:token})
 * @param appId the GitHub App id, with {@code auth: APP}
 * @param installationId the GitHub App installation id, with {@code auth: APP}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Target(@NotBlank @Pattern(regexp = PolicyNames.NAME, message = PolicyNames.NAME_MESSAGE) String name,
		@NotNull Kind kind, @Size(max = 500) String baseUrl, @Size(max = 200) String repository,
		@Size(max = 200) String workflow, @Size(max = 200) String project, @Size(max = 500) String job,
		@Size(max = 200) String ref,
		@Pattern(regexp = "^(env:[A-Za-z_][A-Za-z0-9_]*|file:/\\S+)$",
				message = "must be a reference: env:NAME or file:/path") String credentialRef,
		@Size(max = 24,
				message = "at most 24: GitHub takes 25 inputs and one carries the decision id") Map<String, String> inputs,
		@Size(max = 50) Map<String, String> variables, @Size(max = 50) Map<String, String> parameters,
		@Size(max = 30) String auth, @Size(max = 30) String appId, @Size(max = 30) String installationId) {

	public enum Kind {

		GITHUB_ACTIONS, GITLAB, JENKINS, NOOP

	}

	/**
	 * The inputs, variables or parameters that apply to this kind (never {@code null}).
	 */
	@JsonIgnore
	public Map<String, String> templateValues() {
		Map<String, String> values = switch (this.kind) {
			case GITHUB_ACTIONS -> this.inputs;
			case GITLAB -> this.variables;
			case JENKINS -> this.parameters;
			case NOOP -> null;
		};
		return (values != null) ? values : Map.of();
	}

	/** This target as it reads back once stored: only its kind's template map, copied. */
	Target stored() {
		Map<String, String> values = Map.copyOf(templateValues());
		return new Target(this.name, this.kind, this.baseUrl, this.repository, this.workflow, this.project, this.job,
				this.ref, this.credentialRef, (this.kind == Kind.GITHUB_ACTIONS) ? values : null,
				(this.kind == Kind.GITLAB) ? values : null, (this.kind == Kind.JENKINS) ? values : null, this.auth,
				this.appId, this.installationId);
	}

	public static Target noop(String name) {
		return new Target(name, Kind.NOOP, null, null, null, null, null, null, null, null, null, null, null, null,
				null);
	}

}
