package dev.tollgate.support;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that a Jira comment request is valid Atlassian Document Format as Jira's
 * validator wants it: a {@code doc} of version 1 made of paragraphs of non-empty text
 * nodes, links as link marks with an href (not raw URLs in text), and the {@code code}
 * mark never combined with another mark.
 */
public final class Adf {

	private static final JsonMapper json = JsonMapper.builder().build();

	private Adf() {
	}

	public static void assertValidComment(String requestBody) {
		JsonNode body = json.readTree(requestBody).path("body");
		assertThat(body.path("type").asString()).as(requestBody).isEqualTo("doc");
		assertThat(body.path("version").asInt()).as(requestBody).isEqualTo(1);
		assertThat(body.path("content").isArray() && !body.path("content").isEmpty()).as(requestBody).isTrue();
		for (JsonNode paragraph : body.path("content")) {
			assertThat(paragraph.path("type").asString()).as(requestBody).isEqualTo("paragraph");
			for (JsonNode text : paragraph.path("content")) {
				assertThat(text.path("type").asString()).as(requestBody).isEqualTo("text");
				assertThat(text.path("text").asString("")).as(requestBody).isNotEmpty();
				JsonNode marks = text.path("marks");
				boolean code = false;
				for (JsonNode mark : marks) {
					String type = mark.path("type").asString();
					assertThat(type).as(requestBody).isIn("strong", "em", "code", "link");
					code |= type.equals("code");
					if (type.equals("link")) {
						assertThat(mark.path("attrs").path("href").asString("")).as(requestBody).startsWith("http");
					}
				}
				if (code) {
					assertThat(marks.valueStream().allMatch((m) -> m.path("type").asString().matches("code|link")))
						.as("code combines only with link: " + requestBody)
						.isTrue();
				}
				if (!marks.valueStream().anyMatch((m) -> m.path("type").asString().equals("link"))) {
					assertThat(text.path("text").asString()).as("URLs are link marks: " + requestBody)
						.doesNotContain("https://github.com");
				}
			}
		}
	}

}
