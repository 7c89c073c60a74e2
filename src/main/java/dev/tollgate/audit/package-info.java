/**
 * The append-only, tamper-evident audit log: appending events, and (later) sealing, query, export
 * and verification. Entry point: {@link dev.tollgate.audit.AuditLog}.
 */
package dev.tollgate.audit;
