/**
 * {@code POST /webhooks/jira}: body limit, HMAC verification over the raw bytes, parsing Jira
 * payloads into {@link dev.tollgate.webhook.JiraEvent}, deduplication and the ingest transaction.
 */
package dev.tollgate.webhook;
