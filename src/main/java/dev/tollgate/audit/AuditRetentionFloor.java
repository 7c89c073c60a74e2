package dev.tollgate.audit;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Hands {@code tollgate.audit.retention} to Flyway, whose afterMigrate callback records
 * it, as the schema owner, for {@code audit_purge()} to enforce (V16): the application's
 * runtime role cannot purge anything younger, whatever it calls the function with. A
 * number of milliseconds, so the placeholder never carries anything but digits into SQL.
 */
@Configuration(proxyBeanMethods = false)
class AuditRetentionFloor {

	static final String PLACEHOLDER = "auditRetentionMillis";

	@Bean
	FlywayConfigurationCustomizer auditRetentionFloorPlaceholder(AuditProperties properties) {
		return (configuration) -> {
			Map<String, String> placeholders = new HashMap<>(configuration.getPlaceholders());
			placeholders.put(PLACEHOLDER,
					(properties.retention() != null) ? Long.toString(properties.retention().toMillis()) : "");
			configuration.placeholders(placeholders);
		};
	}

}
