package dev.tollgate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TollgateApplication {

	public static void main(String[] args) {
		if (migrateOnly()) {
			// For a Kubernetes migration Job or init container: run Flyway, start nothing
			// else, exit.
			ConfigurableApplicationContext context = new SpringApplicationBuilder(TollgateApplication.class)
				.web(WebApplicationType.NONE)
				.properties("tollgate.jobs.enabled=false", "spring.task.scheduling.enabled=false")
				.run(args);
			System.exit(SpringApplication.exit(context));
		}
		SpringApplication.run(TollgateApplication.class, args);
	}

	private static boolean migrateOnly() {
		String value = System.getProperty("tollgate.migrate-only", System.getenv("TOLLGATE_MIGRATE_ONLY"));
		return Boolean.parseBoolean(value);
	}

}
