/**
 * {@code POST /webhooks/jira}: body limit, HMAC verification over the raw bytes, parsing
 * Jira payloads into {@link dev.tollgate.webhook.JiraEvent}, deduplication and the ingest
 * transaction.
 */
@ApplicationModule(allowedDependencies = { "audit", "job", "problem", "signature" })
package dev.tollgate.webhook;

import org.springframework.modulith.ApplicationModule;
