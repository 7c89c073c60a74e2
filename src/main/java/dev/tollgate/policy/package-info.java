/**
 * The RBAC policy: roles, role bindings, targets and rules as data
 * ({@link dev.tollgate.policy.PolicyStore}), the immutable snapshot every replica decides
 * with ({@link dev.tollgate.policy.PolicySnapshots}), and the pure decision engine
 * ({@link dev.tollgate.policy.DecisionEngine}).
 */
@ApplicationModule(allowedDependencies = { "audit", "outbound" })
package dev.tollgate.policy;

import org.springframework.modulith.ApplicationModule;
