package dev.tollgate.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a verified Jira webhook body into what the gateway acts on. A transition is
 * recognised by the changelog item whose field is {@code status}, not by
 * {@code issue_event_type_name}, which depends on workflow configuration. Unknown fields
 * are ignored; ids may be numbers or strings.
 * <p>
 * Hostile bodies are refused with {@link MalformedDelivery} (a 400), never with anything
 * that would become a 5xx: Jackson's read constraints bound nesting depth and number
 * length, duplicate keys are an error, and a NUL character, which PostgreSQL cannot
 * store, is refused where it is read.
 */
final class JiraPayloadParser {

	/** Comment text kept for command parsing; the command and a reason fit easily. */
	static final int MAX_COMMENT_TEXT = 2000;

	private final ObjectReader json;

	JiraPayloadParser(JsonMapper json) {
		// A body with two "webhookEvent" (or "id", "toString", ...) keys means different
		// things to
		// different readers, and Jackson would silently keep the last one: refuse it
		// instead.
		this.json = json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
	}

	/**
	 * @throws MalformedDelivery if the body is not a JSON object with a
	 * {@code webhookEvent}, or an event we act on lacks what acting needs
	 */
	Parsed parse(byte[] body, String deliveryId, Instant receivedAt) {
		JsonNode root;
		try {
			root = this.json.readTree(utf8(body));
		}
		catch (JacksonException ex) {
			throw new MalformedDelivery("The body is not valid JSON.");
		}
		if (root == null || !root.isObject()) {
			throw new MalformedDelivery("The body is not a JSON object.");
		}
		String webhookEvent = text(root.path("webhookEvent"));
		if (webhookEvent == null || webhookEvent.isBlank()) {
			throw new MalformedDelivery("The body has no webhookEvent.");
		}
		JsonNode issueNode = root.path("issue");
		String issueId = text(issueNode.path("id"));
		return switch (webhookEvent) {
			case "jira:issue_updated" ->
				issueUpdated(root, webhookEvent, issueId, deliveryId, receivedAt).sent(root.path("timestamp"));
			case "jira:issue_created" -> {
				JiraEvent.Issue issue = issue(issueNode);
				JiraEvent.StatusChange status = new JiraEvent.StatusChange(null, null,
						text(issueNode.path("fields").path("status").path("id")),
						required(text(issueNode.path("fields").path("status").path("name")),
								"issue.fields.status.name"),
						null);
				yield Parsed.relevant(webhookEvent, issue.id(), "created", new JiraEvent(JiraEvent.Type.ISSUE_CREATED,
						deliveryId, receivedAt, issue, text(root.path("user").path("accountId")), status, null));
			}
			case "comment_created" -> commentCreated(root, webhookEvent, issueId, deliveryId, receivedAt);
			default -> Parsed.ignored(webhookEvent, issueId, null);
		};
	}

	/**
	 * JSON between systems is UTF-8 (RFC 8259). Jackson lets some invalid sequences
	 * through (encoded surrogates, a truncated sequence before a quote) and guesses
	 * UTF-16/32 from the first bytes, so the body is decoded strictly first and Jackson
	 * reads the characters.
	 */
	private static String utf8(byte[] body) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new MalformedDelivery("The body is not valid UTF-8 JSON.");
		}
	}

	private Parsed issueUpdated(JsonNode root, String webhookEvent, String issueId, String deliveryId,
			Instant receivedAt) {
		JsonNode changelog = root.path("changelog");
		String changelogId = text(changelog.path("id"));
		String eventKey = (changelogId != null) ? "changelog:" + changelogId : null;
		for (JsonNode item : changelog.path("items")) {
			if ("status".equals(text(item.path("field"))) || "status".equals(text(item.path("fieldId")))) {
				JiraEvent.Issue issue = issue(root.path("issue"));
				JiraEvent.StatusChange status = new JiraEvent.StatusChange(text(item.path("from")),
						text(item.path("fromString")), text(item.path("to")),
						required(text(item.path("toString")), "changelog.items[status].toString"), changelogId);
				return Parsed.relevant(webhookEvent, issue.id(), eventKey, new JiraEvent(JiraEvent.Type.TRANSITION,
						deliveryId, receivedAt, issue, text(root.path("user").path("accountId")), status, null));
			}
		}
		return Parsed.ignored(webhookEvent, issueId, eventKey);
	}

	private Parsed commentCreated(JsonNode root, String webhookEvent, String issueId, String deliveryId,
			Instant receivedAt) {
		JsonNode commentNode = root.path("comment");
		String commentId = text(commentNode.path("id"));
		String eventKey = (commentId != null) ? "comment:" + commentId : null;
		String text = commentText(commentNode.path("body"));
		if (!JiraEvent.Comment.isCommand(text)) {
			return Parsed.ignored(webhookEvent, issueId, eventKey);
		}
		JiraEvent.Issue issue = issue(root.path("issue"));
		String author = text(commentNode.path("author").path("accountId"));
		JiraEvent.Comment comment = new JiraEvent.Comment(required(commentId, "comment.id"), cut(text.strip()));
		return Parsed.relevant(webhookEvent, issue.id(), eventKey,
				new JiraEvent(JiraEvent.Type.APPROVAL_COMMAND, deliveryId, receivedAt, issue,
						(author != null) ? author : text(root.path("user").path("accountId")), null, comment));
	}

	private JiraEvent.Issue issue(JsonNode issue) {
		JsonNode fields = issue.path("fields");
		String key = required(text(issue.path("key")), "issue.key");
		String projectKey = text(fields.path("project").path("key"));
		if (projectKey == null && key.contains("-")) {
			projectKey = key.substring(0, key.lastIndexOf('-'));
		}
		return new JiraEvent.Issue(required(text(issue.path("id")), "issue.id"), key,
				required(projectKey, "issue.fields.project.key"), text(fields.path("issuetype").path("name")));
	}

	/**
	 * Webhook comment bodies are usually plain/wiki text (REST v2 shape), but accept
	 * Atlassian Document Format too: its text nodes are joined, paragraphs separated by
	 * newlines.
	 */
	static String commentText(JsonNode body) {
		if (body == null || body.isMissingNode() || body.isNull()) {
			return null;
		}
		if (body.isString()) {
			return storable(body.asString());
		}
		StringBuilder text = new StringBuilder();
		appendAdfText(body, text);
		return text.toString();
	}

	private static void appendAdfText(JsonNode node, StringBuilder out) {
		if (out.length() > MAX_COMMENT_TEXT) {
			return;
		}
		if ("text".equals(text(node.path("type")))) {
			out.append(storable(node.path("text").asString("")));
		}
		if ("hardBreak".equals(text(node.path("type")))) {
			out.append('\n');
		}
		for (JsonNode child : node.path("content")) {
			appendAdfText(child, out);
		}
		if ("paragraph".equals(text(node.path("type")))) {
			out.append('\n');
		}
	}

	private static String cut(String text) {
		return (text.length() > MAX_COMMENT_TEXT) ? text.substring(0, MAX_COMMENT_TEXT) : text;
	}

	private static String required(String value, String field) {
		if (value == null || value.isBlank()) {
			throw new MalformedDelivery("The body lacks " + field + ".");
		}
		return value;
	}

	/**
	 * A string or whole number as text; {@code null} for anything else. Fractions are not
	 * ids or names (and {@code 1e400} would read as "Infinity").
	 */
	private static String text(JsonNode node) {
		if (node == null || !(node.isString() || node.isIntegralNumber())) {
			return null;
		}
		return storable(node.asString());
	}

	/**
	 * PostgreSQL refuses U+0000 in text and jsonb; storing it would fail with a database
	 * error (a 503 that Jira retries for ever), so it is a malformed delivery.
	 */
	private static String storable(String value) {
		if (value.indexOf('\u0000') >= 0) {
			throw new MalformedDelivery("The body contains a NUL character (\\u0000).");
		}
		return value;
	}

	/**
	 * @param issueId and {@code eventKey} identify the change itself, for deduplication
	 * @param event {@code null} when the delivery is ignored
	 */
	record Parsed(String webhookEvent, String issueId, String eventKey, JiraEvent event, Instant sentAt) {

		Parsed(String webhookEvent, String issueId, String eventKey, JiraEvent event) {
			this(webhookEvent, issueId, eventKey, event, null);
		}

		/**
		 * The same with Jira's {@code timestamp} (epoch milliseconds) of the change, when
		 * it is one Instant can hold.
		 */
		Parsed sent(JsonNode timestamp) {
			if (!timestamp.isIntegralNumber() || !timestamp.canConvertToLong()) {
				return this;
			}
			try {
				return new Parsed(this.webhookEvent, this.issueId, this.eventKey, this.event,
						Instant.ofEpochMilli(timestamp.asLong()));
			}
			catch (java.time.DateTimeException ex) {
				return this;
			}
		}

		static Parsed relevant(String webhookEvent, String issueId, String eventKey, JiraEvent event) {
			return new Parsed(webhookEvent, issueId, eventKey, event);
		}

		static Parsed ignored(String webhookEvent, String issueId, String eventKey) {
			return new Parsed(webhookEvent, issueId, eventKey, null);
		}

	}

	/** The body cannot be acted on; the message is safe to return to the sender. */
	static final class MalformedDelivery extends RuntimeException {

		MalformedDelivery(String message) {
			super(message, null, false, false);
		}

	}

}
