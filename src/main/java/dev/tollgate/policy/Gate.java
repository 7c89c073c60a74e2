package dev.tollgate.policy;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Where a CI system asks Tollgate before a deployment proceeds (docs/gates.md). Absent
 * optional fields read back with their defaults, so a gate reads back as it is stored.
 *
 * @param target the target that says where the repository, project or job is and how
 * Tollgate authenticates to answer
 * @param environment the GitHub environment, GitLab environment or Jenkins input id it
 * guards; {@code *} for any
 * @param issueStatuses where a linked issue must stand now for its run to be cleared
 * @param linkedIssues whether a run Tollgate did not start may be cleared by the Jira
 * issue it names
 * @param issueKeyPattern how an issue key is found in a branch, title or commit message
 * @param waitFor the longest a deployment waits for a pending approval
 * @param comment whether reviews are mirrored as comments on the linked issue
 * @param mode {@code DRY_RUN} records what the gate would answer and approves
 */
public record Gate(
		@NotBlank @jakarta.validation.constraints.Pattern(regexp = PolicyNames.NAME,
				message = PolicyNames.NAME_MESSAGE) String name,
		@NotBlank @Size(max = 100) String target, @NotBlank @Size(max = 200) String environment,
		@Size(max = 50) List<@NotBlank @Size(max = 200) String> issueStatuses, Boolean linkedIssues,
		@Size(max = 200) String issueKeyPattern, Duration waitFor, Boolean comment, Rule.Mode mode, Boolean enabled) {

	public static final String DEFAULT_ISSUE_KEY_PATTERN = "[A-Z][A-Z0-9_]+-[0-9]+";

	public static final Duration DEFAULT_WAIT = Duration.ofHours(24);

	/**
	 * GitHub fails a deployment protection rule left unanswered for 30 days; no gate
	 * waits longer.
	 */
	public static final Duration MAX_WAIT = Duration.ofDays(30);

	/** A gate cannot be named like the reviews collection beside the gates. */
	static final String RESERVED_NAME = "reviews";

	public Gate {
		issueStatuses = (issueStatuses != null) ? List.copyOf(issueStatuses) : List.of();
		linkedIssues = linkedIssues != null && linkedIssues;
		issueKeyPattern = (issueKeyPattern != null && !issueKeyPattern.isBlank()) ? issueKeyPattern
				: DEFAULT_ISSUE_KEY_PATTERN;
		waitFor = (waitFor != null) ? waitFor : DEFAULT_WAIT;
		comment = comment == null || comment;
		mode = (mode != null) ? mode : Rule.Mode.ENFORCE;
		enabled = enabled == null || enabled;
	}

	/** Whether it guards this environment (names compared case-insensitively). */
	public boolean guards(String environmentName) {
		return "*".equals(this.environment)
				|| (environmentName != null && this.environment.equalsIgnoreCase(environmentName.strip()));
	}

	public boolean dryRun() {
		return this.mode == Rule.Mode.DRY_RUN;
	}

	/** Whether the issue stands in one of {@link #issueStatuses()}. */
	public boolean clearsStatus(String status) {
		return status != null && this.issueStatuses.stream().anyMatch((s) -> s.equalsIgnoreCase(status.strip()));
	}

	/** The compiled {@link #issueKeyPattern()}; checked when the gate is saved. */
	public Pattern issueKeys() {
		return Pattern.compile(this.issueKeyPattern);
	}

}
