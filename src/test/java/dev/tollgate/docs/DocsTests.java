package dev.tollgate.docs;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README and {@code docs/} are what a newcomer has: a link that leads nowhere, or a
 * setting the configuration page does not name, fails the build here instead of confusing
 * a reader.
 */
class DocsTests {

	private static final String REGENERATE = "regenerate it: ./mvnw test -Dtest=DocsTests -Dtollgate.docs.write=true";

	/**
	 * An inline link or image, {@code [text](target)} or {@code [text](target "title")}.
	 */
	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

	private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");

	private static final Pattern TRACKER_REFERENCE = Pattern.compile("(?i)\\b(issues?|sessions?) #?[0-9]+\\b");

	private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");

	@Test
	void everyRelativeLinkResolves() throws IOException {
		List<String> broken = new ArrayList<>();
		Map<Path, Set<String>> anchors = new HashMap<>();
		for (Path page : pages()) {
			for (String target : links(page)) {
				if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
					continue; // https:, mailto: … are not the repository's to check
				}
				int hash = target.indexOf('#');
				String file = URLDecoder.decode((hash < 0) ? target : target.substring(0, hash),
						StandardCharsets.UTF_8);
				String anchor = (hash < 0) ? null : target.substring(hash + 1);
				Path folder = (page.getParent() != null) ? page.getParent() : Path.of("");
				Path resolved = file.isEmpty() ? page : folder.resolve(file).normalize();
				if (!Files.exists(resolved)) {
					broken.add(page + ": " + target + " (no file " + resolved + ")");
				}
				else if (anchor != null && resolved.toString().endsWith(".md")
						&& !anchors.computeIfAbsent(resolved, DocsTests::anchors).contains(anchor)) {
					broken.add(page + ": " + target + " (no heading with anchor #" + anchor + " in " + resolved + ")");
				}
			}
		}
		assertThat(broken).as("links in README.md and docs/ that lead nowhere").isEmpty();
	}

	/**
	 * The pages describe the product as it is, for someone who has only the repository:
	 * no references to the tracker or to work sessions. The ADRs are dated records and
	 * may say what they answered.
	 */
	@Test
	void pagesDoNotReferToIssuesOrSessions() throws IOException {
		List<String> references = new ArrayList<>();
		for (Path page : pages()) {
			if (page.startsWith(Path.of("docs", "adr"))) {
				continue;
			}
			List<String> lines = Files.readAllLines(page);
			for (int i = 0; i < lines.size(); i++) {
				if (TRACKER_REFERENCE.matcher(lines.get(i)).find()) {
					references.add(page + ":" + (i + 1) + ": " + lines.get(i).strip());
				}
			}
		}
		assertThat(references).as("pages that refer to issues or sessions").isEmpty();
	}

	/** The dashboard picture in the docs is drawn from the dashboard the chart ships. */
	@Test
	void dashboardPictureMatchesTheShippedDashboard() throws IOException {
		if (Boolean.getBoolean("tollgate.docs.write")) {
			DashboardPicture.write();
		}
		assertThat(Files.readString(DashboardPicture.PICTURE))
			.as("%s, drawn from %s; %s", DashboardPicture.PICTURE, DashboardPicture.DASHBOARD, REGENERATE)
			.isEqualTo(DashboardPicture.render());
	}

	/**
	 * To regenerate after adding or changing a setting:
	 * {@code ./mvnw test -Dtest=DocsTests -Dtollgate.docs.write=true}.
	 */
	@Test
	void configurationPageNamesEverySetting() throws IOException {
		if (Boolean.getBoolean("tollgate.docs.write")) {
			ConfigurationReference.write();
		}
		List<ConfigurationReference.Property> properties = ConfigurationReference.properties();
		assertThat(properties).as("the configuration metadata in %s", ConfigurationReference.METADATA).isNotEmpty();
		String page = Files.readString(ConfigurationReference.PAGE);
		Set<String> missing = new TreeSet<>();
		for (ConfigurationReference.Property property : properties) {
			if (!page.contains("`" + property.name() + "`")) {
				missing.add(property.name());
			}
		}
		assertThat(missing)
			.as("settings in the configuration metadata that %s does not name; %s", ConfigurationReference.PAGE,
					REGENERATE)
			.isEmpty();
		assertThat(ConfigurationReference.currentTable(page))
			.as("the generated table in %s no longer matches the configuration metadata (a setting removed, "
					+ "renamed or described differently); %s", ConfigurationReference.PAGE, REGENERATE)
			.isEqualTo(ConfigurationReference.table(properties));
	}

	private static List<Path> pages() throws IOException {
		List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
		try (Stream<Path> files = Files.walk(Path.of("docs"))) {
			files.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		return pages;
	}

	/**
	 * The link targets of a page, outside code blocks and inline code (where they are
	 * examples).
	 */
	private static List<String> links(Path page) throws IOException {
		List<String> targets = new ArrayList<>();
		boolean inCode = false;
		for (String line : Files.readAllLines(page)) {
			if (line.strip().startsWith("```")) {
				inCode = !inCode;
				continue;
			}
			if (inCode) {
				continue;
			}
			Matcher link = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
			while (link.find()) {
				targets.add(link.group(1));
			}
		}
		return targets;
	}

	/**
	 * The anchors GitHub gives a page's headings: the text lower-cased, punctuation
	 * dropped.
	 */
	private static Set<String> anchors(Path page) {
		Set<String> anchors = new HashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		boolean inCode = false;
		try {
			for (String line : Files.readAllLines(page)) {
				if (line.strip().startsWith("```")) {
					inCode = !inCode;
				}
				Matcher heading = HEADING.matcher(line);
				if (inCode || !heading.matches()) {
					continue;
				}
				String text = heading.group(1).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
				String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
				int count = seen.merge(slug, 1, Integer::sum);
				anchors.add((count == 1) ? slug : slug + "-" + (count - 1));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return anchors;
	}

}
