package dev.tollgate.support;

/**
 * Realistic Jira Cloud webhook bodies, composed from the shapes Jira Cloud documents for
 * its webhooks (not copied from vendor examples). Parameters make each delivery unique
 * per test.
 */
public final class JiraPayloads {

	private JiraPayloads() {
	}

	/**
	 * A project key unique to {@code hexSuffix}: every hex digit becomes a letter (0-9 →
	 * G-P), so two suffixes never share a key. Dropping the digits instead made keys
	 * collide between test methods, whose rules then matched each other's transitions.
	 */
	public static String projectKey(char prefix, String hexSuffix) {
		StringBuilder key = new StringBuilder().append(prefix);
		for (char c : hexSuffix.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
			key.append(Character.isDigit(c) ? (char) ('G' + (c - '0')) : Character.toUpperCase(c));
		}
		return key.toString();
	}

	public static String transition(String issueId, String changelogId, String from, String to) {
		return transition(issueId, changelogId, "OPS", "5b10ac8d82e05b22cc7d4ef5", from, to);
	}

	/**
	 * A transition in {@code projectKey} (issue key {@code <projectKey>-<issueId>}) made
	 * by {@code actor}.
	 */
	public static String transition(String issueId, String changelogId, String projectKey, String actor, String from,
			String to) {
		return """
				{
				  "timestamp": 1767225600123,
				  "webhookEvent": "jira:issue_updated",
				  "issue_event_type_name": "issue_generic",
				  "user": {
				    "self": "https://acme.atlassian.net/rest/api/2/user?accountId=5b10ac8d82e05b22cc7d4ef5",
				    "accountId": "%6$s", "accountType": "atlassian",
				    "displayName": "Dana Developer", "active": true, "timeZone": "Europe/Berlin"
				  },
				  "issue": {
				    "id": "%1$s", "key": "%5$s-%1$s",
				    "self": "https://acme.atlassian.net/rest/api/2/issue/%1$s",
				    "fields": {
				      "summary": "Deploy payment service 2.4.1",
				      "project": { "id": "10000", "key": "%5$s", "name": "Operations" },
				      "issuetype": { "id": "10002", "name": "Task", "subtask": false },
				      "status": { "id": "10101", "name": "%4$s",
				        "statusCategory": { "id": 4, "key": "indeterminate", "name": "In Progress" } }
				    }
				  },
				  "changelog": {
				    "id": "%2$s",
				    "items": [
				      { "field": "status", "fieldtype": "jira", "fieldId": "status",
				        "from": "3", "fromString": "%3$s", "to": "10101", "toString": "%4$s" }
				    ]
				  }
				}
				""".formatted(issueId, changelogId, from, to, projectKey, actor)
			// made just now: a transition older than tollgate.jira.max-delivery-age is
			// not
			// decided
			.replace("1767225600123", Long.toString(System.currentTimeMillis()));
	}

	public static String fieldEdit(String issueId, String changelogId) {
		return """
				{
				  "timestamp": 1767225600456,
				  "webhookEvent": "jira:issue_updated",
				  "issue_event_type_name": "issue_updated",
				  "user": { "accountId": "5b10ac8d82e05b22cc7d4ef5", "accountType": "atlassian" },
				  "issue": { "id": "%1$s", "key": "OPS-%1$s",
				    "fields": { "project": { "key": "OPS" }, "issuetype": { "name": "Task" } } },
				  "changelog": { "id": "%2$s", "items": [
				    { "field": "summary", "fieldtype": "jira", "fieldId": "summary",
				      "from": null, "fromString": "Old", "to": null, "toString": "New" } ] }
				}
				""".formatted(issueId, changelogId);
	}

	public static String issueCreated(String issueId) {
		return """
				{
				  "timestamp": 1767225600789,
				  "webhookEvent": "jira:issue_created",
				  "issue_event_type_name": "issue_created",
				  "user": { "accountId": "5b10ac8d82e05b22cc7d4ef5", "accountType": "atlassian" },
				  "issue": { "id": "%1$s", "key": "OPS-%1$s",
				    "fields": { "project": { "id": "10000", "key": "OPS" },
				      "issuetype": { "id": "10004", "name": "Bug" },
				      "status": { "id": "1", "name": "To Do", "statusCategory": { "key": "new" } } } }
				}
				""".formatted(issueId);
	}

	public static String comment(String issueId, String commentId, String text) {
		return """
				{
				  "timestamp": 1767225601000,
				  "webhookEvent": "comment_created",
				  "comment": {
				    "id": "%2$s",
				    "author": { "accountId": "6c20bd9e93f16c33dd8e5f06", "displayName": "Rita Reviewer" },
				    "body": "%3$s",
				    "created": "2026-01-01T00:00:01.000+0000"
				  },
				  "issue": { "id": "%1$s", "key": "OPS-%1$s",
				    "fields": { "project": { "key": "OPS" }, "issuetype": { "name": "Task" } } }
				}
				""".formatted(issueId, commentId, text);
	}

	/** A comment on {@code <projectKey>-<issueId>} by {@code author}. */
	public static String comment(String issueId, String projectKey, String commentId, String author, String text) {
		return """
				{
				  "timestamp": 1767225601000,
				  "webhookEvent": "comment_created",
				  "comment": {
				    "id": "%2$s",
				    "author": { "accountId": "%4$s", "displayName": "Someone" },
				    "body": "%5$s",
				    "created": "2026-01-01T00:00:01.000+0000"
				  },
				  "issue": { "id": "%1$s", "key": "%3$s-%1$s",
				    "fields": { "project": { "key": "%3$s" }, "issuetype": { "name": "Task" } } }
				}
				""".formatted(issueId, commentId, projectKey, author, text);
	}

	public static String otherEvent() {
		return """
				{ "timestamp": 1767225602000, "webhookEvent": "project_created",
				  "project": { "id": "10001", "key": "NEW", "name": "New project" } }
				""";
	}

}
