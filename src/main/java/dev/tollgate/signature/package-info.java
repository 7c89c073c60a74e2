/**
 * HMAC-SHA256 signatures over raw request bodies, checked against several secrets at
 * once. Both inbound edges use it: Jira webhooks and the CI systems' status callbacks.
 */
@ApplicationModule(allowedDependencies = {})
package dev.tollgate.signature;

import org.springframework.modulith.ApplicationModule;
