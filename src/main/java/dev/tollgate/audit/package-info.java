/**
 * The append-only, tamper-evident audit log (docs/audit.md, ADR 0004): appending events
 * ({@link dev.tollgate.audit.AuditLog}), sealing them into a SHA-256 hash chain
 * ({@link dev.tollgate.audit.AuditSealer}), verification and the head hash
 * ({@link dev.tollgate.audit.AuditVerifier}), query and streamed export
 * ({@link dev.tollgate.audit.AuditQuery}), and retention
 * ({@link dev.tollgate.audit.AuditRetention}).
 */
@ApplicationModule(allowedDependencies = {})
package dev.tollgate.audit;

import org.springframework.modulith.ApplicationModule;
