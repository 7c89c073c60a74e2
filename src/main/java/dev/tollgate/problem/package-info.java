/**
 * Every error Tollgate answers with, as RFC 9457 problem details: the catalogue of
 * problem types ({@link dev.tollgate.problem.ProblemType}, each a stable {@code type} URI
 * with its HTTP status) and the one way to build and write a
 * {@link org.springframework.http.ProblemDetail} ({@link dev.tollgate.problem.Problems}),
 * used by controllers and servlet filters alike.
 */
@ApplicationModule(allowedDependencies = {})
package dev.tollgate.problem;

import org.springframework.modulith.ApplicationModule;
