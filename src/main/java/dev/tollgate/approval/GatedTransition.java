package dev.tollgate.approval;

import java.util.UUID;

/**
 * The transition a {@code PENDING_APPROVAL} decision holds back, as the evaluation saw
 * it; what the rule asks for (quorum, approver roles, target) comes from the rule itself.
 *
 * @param decisionId the decision gated; a grant starts the pipeline under this id
 * @param requesterAccountId who made the transition (the one separation of duties
 * excludes)
 */
public record GatedTransition(UUID decisionId, String deliveryId, String issueId, String issueKey, String projectKey,
		String issueType, String fromStatus, String toStatus, String requesterAccountId) {
}
