package dev.tollgate.devmode;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * With profile {@code dev} and no datasource URL given by the person starting Tollgate,
 * starts an embedded PostgreSQL on {@code tollgate.dev.data-directory} and points the
 * datasource at it.
 * <p>
 * An environment post-processor, not a bean: the datasource is configured from the
 * environment before any bean exists. It runs last, after the configuration files are
 * read, so the profile is known. A URL from {@code application.yml} does not count as
 * given (it is the production default); one from the environment
 * ({@code SPRING_DATASOURCE_URL}), a system property or the command line does, and then
 * nothing is started. The server stops after every bean when the application context
 * closes or its start fails, and with the JVM at the latest.
 */
public class DevDatabase implements EnvironmentPostProcessor, Ordered {

	static final String DATABASE = "tollgate";

	private static final String URL = "spring.datasource.url";

	private final Log log;

	public DevDatabase(DeferredLogFactory logs) {
		this.log = logs.getLog(DevDatabase.class);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.acceptsProfiles(Profiles.of("dev")) || urlGiven(environment)) {
			return;
		}
		DevModeProperties properties = Binder.get(environment).bindOrCreate("tollgate.dev", DevModeProperties.class);
		this.log.info("Dev mode: starting an embedded PostgreSQL on " + properties.dataDirectory().toAbsolutePath()
				+ " (set SPRING_DATASOURCE_URL to use your own server)");
		EmbeddedPostgres postgres = EmbeddedPostgres.start(properties.dataDirectory(), Map.of());
		createDatabase(postgres);
		environment.getPropertySources()
			.addFirst(new MapPropertySource("tollgate-dev-database", Map.of(URL, postgres.jdbcUrl(DATABASE),
					"spring.datasource.username", "postgres", "spring.datasource.password", "")));
		// Registered before any other bean, so destroyed after all of them (the pool, the
		// job
		// worker): when the context closes, or when its start fails.
		application.addInitializers((context) -> ((DefaultSingletonBeanRegistry) context.getBeanFactory())
			.registerDisposableBean("tollgateDevDatabase", postgres::close));
	}

	private static boolean urlGiven(ConfigurableEnvironment environment) {
		String fromEnvironment = System.getenv("SPRING_DATASOURCE_URL");
		if (fromEnvironment != null && !fromEnvironment.isBlank()) {
			return true;
		}
		for (String source : new String[] { "systemProperties", "commandLineArgs" }) {
			var propertySource = environment.getPropertySources().get(source);
			if (propertySource != null && propertySource.getProperty(URL) != null) {
				return true;
			}
		}
		return false;
	}

	private static void createDatabase(EmbeddedPostgres postgres) {
		try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"), "postgres", "");
				PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
			exists.setString(1, DATABASE);
			try (ResultSet found = exists.executeQuery()) {
				if (!found.next()) {
					try (Statement statement = connection.createStatement()) {
						// A constant name: CREATE DATABASE takes no parameters.
						statement.execute("CREATE DATABASE " + DATABASE);
					}
				}
			}
		}
		catch (SQLException ex) {
			postgres.close();
			throw new IllegalStateException("Could not create the dev-mode database", ex);
		}
	}

}
