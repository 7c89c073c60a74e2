/** The {@code EVALUATE} job: transition, actor roles, decision, audit and follow-up jobs. */
package dev.tollgate.evaluation;
