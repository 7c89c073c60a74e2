package dev.tollgate.approval;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An approval request with its votes, as the admin API lists it. */
public record ApprovalRequest(long id, UUID decisionId, String status, long ruleId, String ruleName, String target,
		int required, List<String> approverRoles, boolean separationOfDuties, String requesterAccountId,
		String issueKey, String projectKey, String fromStatus, String toStatus, Instant createdAt, Instant expiresAt,
		Instant closedAt, String closeReason, List<Vote> votes) {

	public record Vote(String voter, String vote, String reason, String source, Instant at) {
	}

}
