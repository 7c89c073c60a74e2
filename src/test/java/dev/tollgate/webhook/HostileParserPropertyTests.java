package dev.tollgate.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Properties of {@link JiraPayloadParser} over seeded random and mutated bodies: it
 * either returns a delivery that satisfies what the ingest and the evaluation rely on, or
 * throws its own {@link JiraPayloadParser.MalformedDelivery}; never anything else (no
 * NPE, ClassCast, StackOverflow, Jackson exception). The seed is in each case's name.
 */
class HostileParserPropertyTests {

	private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

	private static final JsonMapper json = JsonMapper.builder().build();

	private final JiraPayloadParser parser = new JiraPayloadParser(json);

	static Stream<Long> seeds() {
		return HostileInputs.seeds(10_000, 500);
	}

	static Stream<Long> fewerSeeds() {
		return HostileInputs.seeds(20_000, 60);
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void mutatedRealPayloadsAreParsedOrRefusedCleanly(long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		List<String> valid = HostileInputs.validBodies();
		byte[] body = HostileInputs.mutate(random,
				valid.get(random.nextInt(valid.size())).getBytes(StandardCharsets.UTF_8));
		parsedOrRefused(seed, body);
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void randomJsonIsParsedOrRefusedCleanly(long seed) {
		parsedOrRefused(seed, HostileInputs.randomJson(new SplittableRandom(seed), 5).getBytes(StandardCharsets.UTF_8));
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void randomBytesAreParsedOrRefusedCleanly(long seed) {
		parsedOrRefused(seed, HostileInputs.randomBody(new SplittableRandom(seed)));
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("fewerSeeds")
	void aDuplicateKeyAnywhereIsRefused(long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		List<String> valid = HostileInputs.validBodies();
		JsonNode tree = json.readTree(valid.get(random.nextInt(valid.size())));
		int objects = countObjects(tree);
		StringBuilder out = new StringBuilder();
		writeWithDuplicate(tree, random.nextInt(objects), new int[] { 0 }, random, out);
		assertThatExceptionOfType(JiraPayloadParser.MalformedDelivery.class).as("seed %d: %s", seed, out)
			.isThrownBy(() -> parse(seed, out.toString().getBytes(StandardCharsets.UTF_8)));
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("fewerSeeds")
	void nestingBeyondTheLimitIsRefusedWithoutStackOverflow(long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		int depth = random.nextInt(600, 100_000);
		StringBuilder body = new StringBuilder("{\"webhookEvent\":\"comment_created\",\"comment\":{\"id\":1,\"body\":");
		StringBuilder close = new StringBuilder();
		for (int i = 0; i < depth; i++) {
			if (random.nextBoolean()) {
				body.append('[');
				close.append(']');
			}
			else {
				body.append("{\"type\":\"paragraph\",\"content\":");
				close.append('}');
			}
		}
		body.append("\"/approve\"").append(close.reverse()).append("}}");
		assertThatExceptionOfType(JiraPayloadParser.MalformedDelivery.class).as("seed %d, depth %d", seed, depth)
			.isThrownBy(() -> parse(seed, body.toString().getBytes(StandardCharsets.UTF_8)));
	}

	private void parsedOrRefused(long seed, byte[] body) {
		JiraPayloadParser.Parsed parsed;
		try {
			parsed = parse(seed, body);
		}
		catch (JiraPayloadParser.MalformedDelivery ex) {
			assertThat(ex.getMessage()).isNotBlank();
			return;
		}
		// Anything else thrown fails the test with the input in its message.
		assertInvariants(parsed, "seed " + seed + ": " + new String(body, StandardCharsets.UTF_8));
	}

	private JiraPayloadParser.Parsed parse(long seed, byte[] body) {
		try {
			return this.parser.parse(body, "delivery-1", NOW);
		}
		catch (JiraPayloadParser.MalformedDelivery ex) {
			throw ex;
		}
		catch (RuntimeException | StackOverflowError ex) {
			throw new AssertionError(
					"seed " + seed + ": unexpected " + ex + " for body: " + new String(body, StandardCharsets.UTF_8),
					ex);
		}
	}

	/** What the ingest (PostgreSQL text and jsonb columns) and the evaluation rely on. */
	/**
	 * @param body how to name the input in a failure (its seed and text)
	 */
	static void assertInvariants(JiraPayloadParser.Parsed parsed, String body) {
		assertThat(parsed.webhookEvent()).as(body).isNotBlank();
		List<String> stored = new ArrayList<>(List.of(parsed.webhookEvent()));
		addIfPresent(stored, parsed.issueId(), parsed.eventKey());
		JiraEvent event = parsed.event();
		if (event != null) {
			assertThat(event.deliveryId()).isEqualTo("delivery-1");
			assertThat(event.issue().id()).as(body).isNotBlank().isEqualTo(parsed.issueId());
			assertThat(event.issue().key()).as(body).isNotBlank();
			assertThat(event.issue().projectKey()).as(body).isNotBlank();
			Map<String, JiraEvent.Type> types = Map.of("jira:issue_updated", JiraEvent.Type.TRANSITION,
					"jira:issue_created", JiraEvent.Type.ISSUE_CREATED, "comment_created",
					JiraEvent.Type.APPROVAL_COMMAND);
			assertThat(event.type()).as(body).isEqualTo(types.get(parsed.webhookEvent()));
			addIfPresent(stored, event.issue().id(), event.issue().key(), event.issue().projectKey(),
					event.issue().type(), event.actorAccountId());
			if (event.type() == JiraEvent.Type.APPROVAL_COMMAND) {
				assertThat(event.comment().id()).as(body).isNotBlank();
				assertThat(event.comment().text()).as(body)
					.hasSizeLessThanOrEqualTo(JiraPayloadParser.MAX_COMMENT_TEXT);
				assertThat(JiraEvent.Comment.isCommand(event.comment().text())).as(body).isTrue();
				addIfPresent(stored, event.comment().id(), event.comment().text());
			}
			else {
				assertThat(event.status().to()).as(body).isNotBlank();
				addIfPresent(stored, event.status().from(), event.status().fromId(), event.status().to(),
						event.status().toId(), event.status().changelogId());
			}
		}
		// PostgreSQL cannot store U+0000 in text or jsonb: such a delivery must be
		// refused, not answered with a 5xx.
		assertThat(stored).as(body).noneMatch((value) -> value.indexOf('\u0000') >= 0);
	}

	private static void addIfPresent(List<String> values, String... candidates) {
		for (String candidate : candidates) {
			if (candidate != null) {
				values.add(candidate);
			}
		}
	}

	private static int countObjects(JsonNode node) {
		int count = node.isObject() ? 1 : 0;
		for (JsonNode child : node) {
			count += countObjects(child);
		}
		return count;
	}

	/**
	 * Writes {@code node} as JSON, repeating one field (with another value) in the
	 * {@code target}-th non-empty object.
	 */
	private static void writeWithDuplicate(JsonNode node, int target, int[] seen, SplittableRandom random,
			StringBuilder out) {
		if (node.isObject()) {
			boolean here = seen[0]++ == target;
			out.append('{');
			List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
			if (here) {
				String name = fields.isEmpty() ? "webhookEvent" : fields.get(random.nextInt(fields.size())).getKey();
				fields.add(random.nextInt(fields.size() + 1), Map.entry(name, json.getNodeFactory().stringNode("dup")));
				if (fields.size() == 1) {
					fields.add(Map.entry(name, json.getNodeFactory().stringNode("again")));
				}
			}
			for (Iterator<Map.Entry<String, JsonNode>> it = fields.iterator(); it.hasNext();) {
				Map.Entry<String, JsonNode> field = it.next();
				out.append(HostileInputs.quote(field.getKey())).append(':');
				writeWithDuplicate(field.getValue(), target, seen, random, out);
				out.append(it.hasNext() ? "," : "");
			}
			out.append('}');
		}
		else if (node.isArray()) {
			out.append('[');
			for (int i = 0; i < node.size(); i++) {
				out.append((i > 0) ? "," : "");
				writeWithDuplicate(node.get(i), target, seen, random, out);
			}
			out.append(']');
		}
		else {
			out.append(node.toString());
		}
	}

}
