package dev.tollgate.approval;

import java.util.UUID;

/**
 * Published, synchronously and inside the transaction that closes it, when an approval
 * request is granted, denied, expired or cancelled: what waits on the request (a
 * deployment at a gate) is woken in that same transaction, so it is never left waiting
 * for a close that already happened.
 */
public record ApprovalClosed(long requestId, UUID decisionId, ApprovalStatus status) {
}
