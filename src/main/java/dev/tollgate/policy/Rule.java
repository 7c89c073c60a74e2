package dev.tollgate.policy;

import java.time.Duration;
import java.util.List;

/**
 * Which transition, by which roles, starts which target.
 *
 * @param projectKey a Jira project key or {@code *}
 * @param issueTypes empty means any type
 * @param fromStatus a status name or {@code *}
 * @param toStatus a status name or {@code *}
 * @param allowedRoles empty means nobody (a rule that only denies)
 * @param target the target's name; {@code null} for a rule that only gates
 * @param approval {@code null} when no approval is needed
 */
public record Rule(long id, String name, String projectKey, List<String> issueTypes, String fromStatus, String toStatus,
		List<String> allowedRoles, String target, Mode mode, boolean comment, boolean revertOnDeny, Approval approval,
		boolean enabled) {

	public Rule {
		issueTypes = (issueTypes != null) ? List.copyOf(issueTypes) : List.of();
		allowedRoles = (allowedRoles != null) ? List.copyOf(allowedRoles) : List.of();
		mode = (mode != null) ? mode : Mode.ENFORCE;
	}

	public enum Mode {

		/** Decisions take effect. */
		ENFORCE,
		/** Decisions are recorded ({@code dryRun: true}) and nothing is triggered. */
		DRY_RUN

	}

	/**
	 * An approval gate: {@code required} votes from holders of {@code approverRoles}.
	 *
	 * @param separationOfDuties the actor who made the transition cannot approve it
	 * @param expiresAfter {@code null} for no expiry
	 */
	public record Approval(int required, List<String> approverRoles, boolean separationOfDuties,
			Duration expiresAfter) {

		public Approval {
			approverRoles = (approverRoles != null) ? List.copyOf(approverRoles) : List.of();
		}

	}

}
