package dev.tollgate.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The table of Tollgate's own settings in {@code docs/configuration.md}, written from the
 * metadata the configuration processor derives from the {@code @ConfigurationProperties}
 * classes (and from {@code META-INF/additional-spring-configuration-metadata.json} for
 * the few settings read elsewhere). Only the part between the two markers is generated;
 * the rest of the page is prose. Regenerate with
 * {@code ./mvnw test -Dtest=DocsTests -Dtollgate.docs.write=true}.
 */
final class ConfigurationReference {

	static final Path METADATA = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");

	static final Path PAGE = Path.of("docs", "configuration.md");

	static final String BEGIN = "<!-- generated from the configuration metadata: begin -->";

	static final String END = "<!-- generated from the configuration metadata: end -->";

	private ConfigurationReference() {
	}

	record Property(String name, String type, String defaultValue, String description) {

		/**
		 * The environment variable a deployment sets, in the form the rest of the docs
		 * use.
		 */
		String environmentVariable() {
			return this.name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
		}

	}

	static List<Property> properties() throws IOException {
		JsonNode metadata = JsonMapper.builder().build().readTree(Files.readString(METADATA));
		List<Property> properties = new ArrayList<>();
		for (JsonNode property : metadata.path("properties")) {
			JsonNode defaultValue = property.path("defaultValue");
			properties.add(new Property(property.path("name").asString(), property.path("type").asString(""),
					defaultValue.isMissingNode() || defaultValue.isNull() ? "" : defaultValue.asString(),
					property.path("description").asString("")));
		}
		properties.sort(Comparator.comparing(Property::name));
		return properties;
	}

	/** The generated part of the page, markers included. */
	static String table(List<Property> properties) {
		StringBuilder table = new StringBuilder(BEGIN).append('\n');
		table.append("| property | environment | type | default | meaning |\n");
		table.append("| --- | --- | --- | --- | --- |\n");
		for (Property property : properties) {
			table.append("| `")
				.append(property.name())
				.append("` | `")
				.append(property.environmentVariable())
				.append("` | ")
				.append(simpleType(property.type()))
				.append(" | ")
				.append(property.defaultValue().isEmpty() ? "empty" : "`" + property.defaultValue() + "`")
				.append(" | ")
				.append(markdown(property.description()))
				.append(" |\n");
		}
		return table.append(END).toString();
	}

	/** The page with its generated part replaced by {@code table}. */
	static String replaceTable(String page, String table) {
		int begin = page.indexOf(BEGIN);
		int end = page.indexOf(END);
		if (begin < 0 || end < begin) {
			throw new IllegalStateException(PAGE + " has lost its markers " + BEGIN + " … " + END);
		}
		return page.substring(0, begin) + table + page.substring(end + END.length());
	}

	/** The generated part as the page has it now, markers included. */
	static String currentTable(String page) {
		int begin = page.indexOf(BEGIN);
		int end = page.indexOf(END);
		return (begin < 0 || end < begin) ? "" : page.substring(begin, end + END.length());
	}

	private static String simpleType(String type) {
		String simple = type.replaceAll("[a-z][a-z0-9_]*\\.", "").replace('$', '.');
		return switch (simple) {
			case "List<String>" -> "list of strings, comma-separated";
			case "List<Cidr>" -> "list of CIDRs, comma-separated";
			case "DataSize" -> "size";
			case "Duration" -> "duration";
			default -> simple.toLowerCase(Locale.ROOT);
		};
	}

	/**
	 * Javadoc's {@code {@code x}} becomes Markdown's {@code `x`}; a pipe would end the
	 * cell.
	 */
	private static String markdown(String description) {
		return description.replaceAll("\\{@code ((?:[^{}]|\\{[^{}]*})*)}", "`$1`")
			.replaceAll("\\{@link ([^}]*)}", "`$1`")
			.replace("|", "\\|")
			.replace('\n', ' ')
			.strip();
	}

	/** Rewrites the generated part of the page; run through {@code DocsTests}. */
	static void write() throws IOException {
		Files.writeString(PAGE, replaceTable(Files.readString(PAGE), table(properties())));
	}

}
