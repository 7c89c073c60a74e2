/**
 * Cross-cutting Spring configuration that belongs to no feature: scheduling, the OpenAPI
 * document, start-up diagnostics.
 */
@ApplicationModule(allowedDependencies = {})
package dev.tollgate.config;

import org.springframework.modulith.ApplicationModule;
