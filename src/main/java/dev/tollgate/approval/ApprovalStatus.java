package dev.tollgate.approval;

/**
 * Where an approval request stands. Stored by name in {@code approval_request.status};
 * only {@link #PENDING} takes votes, every other status is final.
 */
public enum ApprovalStatus {

	PENDING, GRANTED, DENIED, EXPIRED, CANCELLED

}
