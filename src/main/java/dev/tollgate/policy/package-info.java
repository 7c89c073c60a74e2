/**
 * The RBAC policy: roles, role bindings, targets and rules as data ({@link dev.tollgate.policy.PolicyStore}),
 * the immutable snapshot every replica decides with ({@link dev.tollgate.policy.PolicySnapshots}), and the
 * pure decision engine ({@link dev.tollgate.policy.DecisionEngine}).
 */
package dev.tollgate.policy;
