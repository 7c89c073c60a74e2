/**
 * HMAC-SHA256 signatures over raw request bodies, checked against several secrets at once. Both
 * inbound edges use it: Jira webhooks and the CI systems' status callbacks.
 */
package dev.tollgate.signature;
