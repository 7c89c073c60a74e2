/**
 * {@code POST /webhooks/jira}: body limit, HMAC verification over the raw bytes, parsing
 * Jira payloads into {@link dev.tollgate.webhook.JiraEvent}, deduplication and the ingest
 * transaction. Decisions made at ingest are asked of
 * {@link dev.tollgate.webhook.IngestDecisions}, an interface of this module that the
 * evaluation module implements: evaluation depends on this module (for
 * {@link dev.tollgate.webhook.JiraEvent}), so calling an evaluation API from here would
 * make the two modules depend on each other (ADR 0034).
 */
@ApplicationModule(allowedDependencies = { "audit", "job", "problem", "signature" })
package dev.tollgate.webhook;

import org.springframework.modulith.ApplicationModule;
