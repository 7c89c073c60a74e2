package dev.tollgate.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.support.JiraPayloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JiraPayloadParserTests {

	private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

	private final JiraPayloadParser parser = new JiraPayloadParser(JsonMapper.builder().build());

	private JiraPayloadParser.Parsed parse(String body) {
		return this.parser.parse(body.getBytes(StandardCharsets.UTF_8), "delivery-1", NOW);
	}

	@Test
	void statusTransition() {
		JiraPayloadParser.Parsed parsed = parse(
				JiraPayloads.transition("10042", "10350", "In Progress", "Ready for Deploy"));
		assertThat(parsed.webhookEvent()).isEqualTo("jira:issue_updated");
		assertThat(parsed.issueId()).isEqualTo("10042");
		assertThat(parsed.eventKey()).isEqualTo("changelog:10350");
		JiraEvent event = parsed.event();
		assertThat(event.type()).isEqualTo(JiraEvent.Type.TRANSITION);
		assertThat(event.deliveryId()).isEqualTo("delivery-1");
		assertThat(event.receivedAt()).isEqualTo(NOW);
		assertThat(event.issue()).isEqualTo(new JiraEvent.Issue("10042", "OPS-10042", "OPS", "Task"));
		assertThat(event.actorAccountId()).isEqualTo("5b10ac8d82e05b22cc7d4ef5");
		assertThat(event.status())
			.isEqualTo(new JiraEvent.StatusChange("3", "In Progress", "10101", "Ready for Deploy", "10350"));
	}

	@Test
	void transitionAmongSeveralChangelogItems() {
		String body = """
				{"webhookEvent":"jira:issue_updated","user":{"accountId":"a-1","accountType":"app"},
				 "issue":{"id":"7","key":"PAY-7","fields":{"project":{"key":"PAY"},"issuetype":{"name":"Story"}}},
				 "changelog":{"id":99,"items":[
				   {"field":"assignee","from":"x","fromString":"X","to":"y","toString":"Y"},
				   {"field":"status","from":"1","fromString":"To Do","to":"3","toString":"In Progress"},
				   {"field":"resolution","from":null,"fromString":null,"to":"10000","toString":"Done"}]}}
				""";
		JiraEvent event = parse(body).event();
		assertThat(event.type()).isEqualTo(JiraEvent.Type.TRANSITION);
		assertThat(event.status().from()).isEqualTo("To Do");
		assertThat(event.status().to()).isEqualTo("In Progress");
		assertThat(event.status().changelogId()).isEqualTo("99");
		assertThat(event.actorAccountId()).isEqualTo("a-1");
	}

	/**
	 * A real capture names the item {@code "Status"}; its {@code fieldId} is what
	 * identifies the workflow status, while a custom field may carry the same display
	 * name.
	 */
	@Test
	void theStatusItemIsRecognisedByItsFieldIdWhateverItsDisplayName() {
		String body = """
				{"webhookEvent":"jira:issue_updated","user":{"accountId":"a-1"},
				 "issue":{"id":"8","key":"PAY-8","fields":{"project":{"key":"PAY"},"issuetype":{"name":"Story"}}},
				 "changelog":{"id":100,"items":[
				   {"field":"Status","fieldtype":"custom","fieldId":"customfield_10050","from":null,
				    "fromString":"Green","to":null,"toString":"Red"},
				   {"field":"Status","fieldtype":"jira","fieldId":"status","from":"1","fromString":"To Do",
				    "to":"3","toString":"In Progress"}]}}
				""";
		JiraEvent event = parse(body).event();
		assertThat(event.type()).isEqualTo(JiraEvent.Type.TRANSITION);
		assertThat(event.status().from()).isEqualTo("To Do");
		assertThat(event.status().to()).isEqualTo("In Progress");
	}

	@Test
	void aCustomFieldNamedStatusIsNotATransition() {
		String body = """
				{"webhookEvent":"jira:issue_updated","user":{"accountId":"a-1"},
				 "issue":{"id":"9","key":"PAY-9","fields":{"project":{"key":"PAY"},"issuetype":{"name":"Story"}}},
				 "changelog":{"id":101,"items":[
				   {"field":"Status","fieldtype":"custom","fieldId":"customfield_10050","from":null,
				    "fromString":"Green","to":null,"toString":"Red"}]}}
				""";
		assertThat(parse(body).event()).isNull();
	}

	@Test
	void changelogIdAsNumberOrStringGivesTheSameKey() {
		String asString = JiraPayloads.transition("5", "777", "A", "B");
		String asNumber = asString.replace("\"id\": \"777\"", "\"id\": 777");
		assertThat(asNumber).isNotEqualTo(asString);
		assertThat(parse(asNumber).eventKey()).isEqualTo(parse(asString).eventKey()).isEqualTo("changelog:777");
	}

	@Test
	void fieldEditIsIgnored() {
		JiraPayloadParser.Parsed parsed = parse(JiraPayloads.fieldEdit("10042", "10351"));
		assertThat(parsed.event()).isNull();
		assertThat(parsed.eventKey()).isEqualTo("changelog:10351");
	}

	@Test
	void updateWithoutChangelogIsIgnored() {
		String body = """
				{"webhookEvent":"jira:issue_updated","issue":{"id":"1","key":"OPS-1","fields":{}}}
				""";
		JiraPayloadParser.Parsed parsed = parse(body);
		assertThat(parsed.event()).isNull();
		assertThat(parsed.eventKey()).isNull();
		assertThat(parsed.issueId()).isEqualTo("1");
	}

	@Test
	void issueCreated() {
		JiraEvent event = parse(JiraPayloads.issueCreated("20001")).event();
		assertThat(event.type()).isEqualTo(JiraEvent.Type.ISSUE_CREATED);
		assertThat(event.issue()).isEqualTo(new JiraEvent.Issue("20001", "OPS-20001", "OPS", "Bug"));
		assertThat(event.status().from()).isNull();
		assertThat(event.status().to()).isEqualTo("To Do");
		assertThat(parse(JiraPayloads.issueCreated("20001")).eventKey()).isEqualTo("created");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/approve", "  /APPROVE looks good", "/deny too risky today", "\\n/Deny" })
	void commentWithCommand(String text) {
		JiraPayloadParser.Parsed parsed = parse(JiraPayloads.comment("30", "500", text));
		assertThat(parsed.event()).isNotNull();
		assertThat(parsed.event().type()).isEqualTo(JiraEvent.Type.APPROVAL_COMMAND);
		assertThat(parsed.event().comment().id()).isEqualTo("500");
		assertThat(parsed.event().comment().text()).isEqualTo(text.replace("\\n", "\n").strip());
		assertThat(parsed.event().actorAccountId()).isEqualTo("6c20bd9e93f16c33dd8e5f06");
		assertThat(parsed.eventKey()).isEqualTo("comment:500");
	}

	@ParameterizedTest
	@ValueSource(strings = { "looks good to me", "please /approve this", "/approved", "" })
	void commentWithoutCommandIsIgnored(String text) {
		JiraPayloadParser.Parsed parsed = parse(JiraPayloads.comment("30", "501", text));
		assertThat(parsed.event()).isNull();
		assertThat(parsed.eventKey()).isEqualTo("comment:501");
	}

	@Test
	void commentInAtlassianDocumentFormat() {
		String body = """
				{"webhookEvent":"comment_created",
				 "comment":{"id":"502","author":{"accountId":"r-1"},
				   "body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[
				     {"type":"text","text":"/deny "},{"type":"text","text":"not on a Friday","marks":[{"type":"strong"}]}]}]}},
				 "issue":{"id":"30","key":"OPS-30","fields":{"project":{"key":"OPS"}}}}
				""";
		JiraEvent event = parse(body).event();
		assertThat(event.type()).isEqualTo(JiraEvent.Type.APPROVAL_COMMAND);
		assertThat(event.comment().text()).isEqualTo("/deny not on a Friday");
		assertThat(event.actorAccountId()).isEqualTo("r-1");
	}

	@Test
	void unknownEventIsIgnored() {
		JiraPayloadParser.Parsed parsed = parse(JiraPayloads.otherEvent());
		assertThat(parsed.webhookEvent()).isEqualTo("project_created");
		assertThat(parsed.event()).isNull();
	}

	@Test
	void largeDescriptionIsRead() {
		String description = "x".repeat(900 * 1024);
		String body = JiraPayloads.transition("40", "41", "In Progress", "Done")
			.replace("\"summary\": \"Deploy payment service 2.4.1\"",
					"\"summary\": \"big\", \"description\": \"" + description + "\"");
		assertThat(body.length()).isGreaterThan(900 * 1024);
		assertThat(parse(body).event().status().to()).isEqualTo("Done");
	}

	@Test
	void unicodeSurvives() {
		String body = JiraPayloads.transition("50", "51", "În lucru ✓", "Bereit für Produktion 🚀")
			.replace("Deploy payment service 2.4.1", "Déploiement 支付服务 — ünïcödé");
		JiraEvent event = parse(body).event();
		assertThat(event.status().from()).isEqualTo("În lucru ✓");
		assertThat(event.status().to()).isEqualTo("Bereit für Produktion 🚀");
	}

	@Test
	void unknownFieldsAreTolerated() {
		String body = JiraPayloads.transition("60", "61", "A", "B")
			.replace("\"timestamp\"",
					"\"somethingNew\": {\"nested\": [1, 2]}, \"bulkOperationMetaData\": {}, \"timestamp\"");
		assertThat(parse(body).event().type()).isEqualTo(JiraEvent.Type.TRANSITION);
	}

	@ParameterizedTest
	@ValueSource(strings = { "not json", "{\"webhookEvent\":", "[1,2,3]", "42", "{}", "{\"webhookEvent\": \"\"}",
			"{\"webhookEvent\": {\"a\": 1}}" })
	void malformedBodies(String body) {
		assertThatExceptionOfType(JiraPayloadParser.MalformedDelivery.class).isThrownBy(() -> parse(body));
	}

	@Test
	void emptyBodyIsMalformed() {
		assertThatExceptionOfType(JiraPayloadParser.MalformedDelivery.class)
			.isThrownBy(() -> this.parser.parse(new byte[0], "d", NOW));
	}

	@Test
	void transitionWithoutIssueKeyIsMalformed() {
		String body = JiraPayloads.transition("70", "71", "A", "B").replace("\"key\": \"OPS-70\",", "");
		assertThatExceptionOfType(JiraPayloadParser.MalformedDelivery.class).isThrownBy(() -> parse(body))
			.withMessageContaining("issue.key");
	}

}
