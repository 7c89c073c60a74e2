package dev.tollgate.audit;

/** The kinds of audit event. */
public enum AuditEventType {

	WEBHOOK_REJECTED, WEBHOOK_MALFORMED, DECISION, TRIGGER_SUCCEEDED, TRIGGER_FAILED, APPROVAL_REQUESTED,
	APPROVAL_GRANTED, APPROVAL_DENIED, APPROVAL_EXPIRED, PIPELINE_COMPLETED, POLICY_CHANGED,
	/**
	 * Extensions: a denied transition moved back (or not) because its rule sets
	 * revertOnDeny.
	 */
	TRANSITION_REVERTED, REVERT_FAILED,
	/**
	 * Extensions: one vote on an approval request (counted or refused), and a request
	 * cancelled because the issue moved on.
	 */
	APPROVAL_VOTED, APPROVAL_CANCELLED,
	/**
	 * Extension: retention deleted the oldest sealed events (docs/audit.md); details name
	 * the checkpoint.
	 */
	AUDIT_PURGED,
	/**
	 * A CI system asked a gate whether a deployment may proceed, and the gate's answer
	 * (docs/gates.md).
	 */
	GATE_REQUESTED, GATE_APPROVED, GATE_REJECTED

}
