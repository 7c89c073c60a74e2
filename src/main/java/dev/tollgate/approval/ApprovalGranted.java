package dev.tollgate.approval;

import java.util.List;
import java.util.UUID;

/**
 * Published, synchronously and inside the transaction that grants it, when an approval
 * request reaches its quorum: whoever starts the gated work does so in that same
 * transaction, so a grant never commits without it (nor it without the grant).
 *
 * @param target the target to start; {@code null} when the rule gates the transition only
 * @param comment whether the rule wants the outcome mirrored to the issue
 * @param approvers who approved, in the order of their votes
 */
public record ApprovalGranted(long requestId, UUID decisionId, String deliveryId, long ruleId, String ruleName,
		String target, String issueId, String issueKey, String projectKey, String issueType, String fromStatus,
		String toStatus, String requesterAccountId, boolean comment, List<String> approvers) {
}
