/**
 * Approval gates: requests opened by {@code PENDING_APPROVAL} decisions, votes from Jira
 * comments ({@code /approve}, {@code /deny <reason>}) or the admin API, quorum,
 * separation of duties, expiry and cancellation. Entry point:
 * {@link dev.tollgate.approval.Approvals}; the rules are the pure {@code ApprovalGate}. A
 * grant is published as {@link dev.tollgate.approval.ApprovalGranted}, so this module
 * does not depend on the pipeline it releases.
 */
@ApplicationModule(allowedDependencies = { "audit", "identity", "jira", "job", "outbound", "policy" })
package dev.tollgate.approval;

import org.springframework.modulith.ApplicationModule;
