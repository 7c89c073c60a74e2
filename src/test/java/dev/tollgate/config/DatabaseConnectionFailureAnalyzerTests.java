package dev.tollgate.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up failure message suggests {@code docker compose up -d postgres}, whose
 * database the default configuration cannot log into: the message must give the exact
 * variables, and they must be the compose file's.
 */
class DatabaseConnectionFailureAnalyzerTests {

	private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

	private final DatabaseConnectionFailureAnalyzer analyzer = new DatabaseConnectionFailureAnalyzer(
			new MockEnvironment());

	@Test
	void aFailedLoginWithTheDefaultsSaysWhichVariablesReachTheComposeDatabase() {
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException("no pool",
				new SQLException("password authentication failed for user \"postgres\"", "28P01")));
		assertThat(analysis.getDescription()).contains("jdbc:postgresql://localhost:5432/postgres");
		assertThat(analysis.getAction()).contains("docker compose up -d postgres")
			.contains(DatabaseConnectionFailureAnalyzer.COMPOSE_VARIABLES)
			.contains("embedded PostgreSQL");
	}

	@Test
	void somethingElseIsNotAnalysed() {
		assertThat(this.analyzer.analyze(new IllegalStateException("unrelated"))).isNull();
	}

	@Test
	void theVariablesAreThoseOfTheComposeFile() throws Exception {
		Map<String, String> variables = Arrays.stream(DatabaseConnectionFailureAnalyzer.COMPOSE_VARIABLES.split(" "))
			.map((pair) -> pair.split("=", 2))
			.collect(Collectors.toMap((pair) -> pair[0], (pair) -> pair[1]));
		JsonNode compose = new YAMLMapper().readTree(ROOT.resolve("docker-compose.yml").toFile());
		JsonNode postgres = compose.at("/services/postgres/environment");
		JsonNode app = compose.at("/services/tollgate/environment");

		assertThat(variables.get("SPRING_DATASOURCE_URL")).isEqualTo("jdbc:postgresql://localhost:"
				+ composeDefault(compose.at("/services/postgres/ports/0")
					.asString()
					.replaceAll("^127\\.0\\.0\\.1:(\\$\\{[^}]+})(:5432)$", "$1"))
				+ "/" + postgres.path("POSTGRES_DB").asString());
		assertThat(app.path("SPRING_DATASOURCE_URL").asString())
			.endsWith("/" + postgres.path("POSTGRES_DB").asString());
		assertThat(variables.get("SPRING_DATASOURCE_USERNAME"))
			.isEqualTo(app.path("SPRING_DATASOURCE_USERNAME").asString());
		assertThat(variables.get("SPRING_DATASOURCE_PASSWORD"))
			.isEqualTo(composeDefault(postgres.path("TOLLGATE_DB_APP_PASSWORD").asString()));
		assertThat(variables.get("SPRING_FLYWAY_USER")).isEqualTo(app.path("SPRING_FLYWAY_USER").asString());
		assertThat(variables.get("SPRING_FLYWAY_PASSWORD"))
			.isEqualTo(composeDefault(postgres.path("TOLLGATE_DB_OWNER_PASSWORD").asString()));
		assertThat(variables.get("TOLLGATE_DB_APP_ROLE")).isEqualTo(app.path("TOLLGATE_DB_APP_ROLE").asString());

		// The deployment guide's command for the same database says the same.
		String guide = Files.readString(ROOT.resolve("docs/deployment.md"));
		variables.forEach((name, value) -> assertThat(guide).contains(name + "=" + value));
	}

	private static String composeDefault(String value) {
		Matcher interpolation = Pattern.compile("\\$\\{[A-Z_][A-Z0-9_]*:?-(.*)}").matcher(value);
		assertThat(interpolation.matches()).as("%s has a default", value).isTrue();
		return interpolation.group(1);
	}

}
