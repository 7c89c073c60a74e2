package dev.tollgate.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import tools.jackson.databind.json.JsonMapper;

/**
 * Coverage-guided fuzzing of {@link JiraPayloadParser} with Jazzer. In a normal build
 * this replays the committed inputs in
 * {@code src/test/resources/dev/tollgate/webhook/JiraPayloadParserFuzzTestsInputs/parse/}
 * (valid Jira payloads and edge cases, plus every finding once it is fixed); with
 * {@code -Pfuzz} Jazzer mutates them for real (see docs/development.md, "Hostile input").
 */
class JiraPayloadParserFuzzTests {

	private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

	private static final JiraPayloadParser parser = new JiraPayloadParser(JsonMapper.builder().build());

	@FuzzTest(maxDuration = "2m")
	@DictionaryEntries({ "\"webhookEvent\"", "\"jira:issue_updated\"", "\"jira:issue_created\"", "\"comment_created\"",
			"\"changelog\"", "\"items\"", "\"field\"", "\"status\"", "\"toString\"", "\"issue\"", "\"key\"", "\"id\"",
			"\"fields\"", "\"project\"", "\"comment\"", "\"body\"", "\"content\"", "\"type\"", "\"text\"",
			"\"paragraph\"", "\"/approve\"", "\"/deny\"", "\\u0000", "1e400" })
	void parse(byte[] body) {
		JiraPayloadParser.Parsed parsed;
		try {
			parsed = parser.parse(body, "delivery-1", NOW);
		}
		catch (JiraPayloadParser.MalformedDelivery ex) {
			// The one way to refuse a body; anything else thrown is a finding.
			return;
		}
		HostileParserPropertyTests.assertInvariants(parsed, new String(body, StandardCharsets.UTF_8));
	}

}
