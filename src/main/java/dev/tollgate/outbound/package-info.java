/**
 * The safety policy for every call Tollgate makes to Jira and CI systems: https only, an
 * optional host allow-list, and a connect-time refusal of loopback, link-local and
 * cloud-metadata addresses. Entry point: {@link dev.tollgate.outbound.OutboundPolicy};
 * clients build their HTTP transport with
 * {@link dev.tollgate.outbound.OutboundPolicy#requestFactory} so that they cannot forget
 * a rule.
 */
@ApplicationModule(allowedDependencies = {})
package dev.tollgate.outbound;

import org.springframework.modulith.ApplicationModule;
