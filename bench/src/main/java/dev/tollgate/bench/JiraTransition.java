package dev.tollgate.bench;

import java.nio.charset.StandardCharsets;

/**
 * A realistic Jira Cloud {@code jira:issue_updated} body for a status transition "In Progress" to
 * "Ready for Deploy" in project OPS, about 4 KB, shaped like the bodies in the test suite's
 * {@code JiraPayloads.transition} plus the fields Jira Cloud really sends along (reporter,
 * assignee, priority, labels, components, description, custom fields).
 * <p>
 * The template is split once at its placeholders, so building a body is a few appends.
 */
final class JiraTransition {

	private static final String TEMPLATE = """
			{
			  "timestamp": @TIMESTAMP@,
			  "webhookEvent": "jira:issue_updated",
			  "issue_event_type_name": "issue_generic",
			  "user": {
			    "self": "https://acme.atlassian.net/rest/api/2/user?accountId=@ACTOR@",
			    "accountId": "@ACTOR@", "accountType": "atlassian",
			    "avatarUrls": {
			      "48x48": "https://secure.gravatar.com/avatar/9f2c3b1d0e8a7f6b5c4d3e2f1a0b9c8d?d=https%3A%2F%2Favatar-management--avatars.us-west-2.prod.public.atl-paas.net%2Finitials%2FDD-5.png",
			      "24x24": "https://secure.gravatar.com/avatar/9f2c3b1d0e8a7f6b5c4d3e2f1a0b9c8d?d=https%3A%2F%2Favatar-management--avatars.us-west-2.prod.public.atl-paas.net%2Finitials%2FDD-5.png"
			    },
			    "displayName": "Dana Developer", "active": true, "timeZone": "Europe/Berlin"
			  },
			  "issue": {
			    "id": "@ISSUE@", "key": "OPS-@ISSUE@",
			    "self": "https://acme.atlassian.net/rest/api/2/issue/@ISSUE@",
			    "fields": {
			      "summary": "Deploy payment service 2.4.1 to production",
			      "description": "Release 2.4.1 of the payment service. Changes: retry budget for the card network client, idempotency keys on refunds, p99 latency fix for the ledger writer, dependency updates (netty, jackson, postgres driver). Rollback: redeploy 2.4.0 from the release pipeline; no schema change in this release. Checklist: change approved in CAB-2231, smoke tests green on staging, dashboards linked below, on-call informed in #payments-oncall. Links: https://ci.acme.example/payments/releases/2.4.1 https://grafana.acme.example/d/payments-overview",
			      "project": { "id": "10000", "key": "OPS", "name": "Operations", "projectTypeKey": "software",
			        "self": "https://acme.atlassian.net/rest/api/2/project/10000" },
			      "issuetype": { "id": "10002", "name": "Task", "subtask": false, "hierarchyLevel": 0,
			        "self": "https://acme.atlassian.net/rest/api/2/issuetype/10002" },
			      "status": { "id": "10101", "name": "Ready for Deploy",
			        "self": "https://acme.atlassian.net/rest/api/2/status/10101",
			        "statusCategory": { "id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress" } },
			      "priority": { "id": "2", "name": "High", "self": "https://acme.atlassian.net/rest/api/2/priority/2" },
			      "labels": ["payments", "release", "prod"],
			      "components": [ { "id": "10021", "name": "payment-service" }, { "id": "10022", "name": "ledger" } ],
			      "fixVersions": [ { "id": "10140", "name": "2.4.1", "released": false, "archived": false } ],
			      "reporter": { "accountId": "6c20bd9e93f16c33dd8e5f06", "displayName": "Rita Reviewer", "active": true,
			        "self": "https://acme.atlassian.net/rest/api/2/user?accountId=6c20bd9e93f16c33dd8e5f06" },
			      "assignee": { "accountId": "@ACTOR@", "displayName": "Dana Developer", "active": true,
			        "self": "https://acme.atlassian.net/rest/api/2/user?accountId=@ACTOR@" },
			      "creator": { "accountId": "6c20bd9e93f16c33dd8e5f06", "displayName": "Rita Reviewer", "active": true },
			      "created": "2026-01-01T09:12:44.311+0000",
			      "updated": "2026-01-01T10:00:00.123+0000",
			      "resolution": null, "resolutiondate": null, "duedate": "2026-01-02",
			      "customfield_10020": [ { "id": 42, "name": "OPS Sprint 42", "state": "active", "boardId": 7 } ],
			      "customfield_10014": "OPS-12",
			      "customfield_10019": "0|i0018f:",
			      "customfield_10050": { "value": "production", "id": "10300" },
			      "watches": { "watchCount": 3, "isWatching": false },
			      "votes": { "votes": 0, "hasVoted": false },
			      "timetracking": { "originalEstimate": "2h", "remainingEstimate": "1h", "timeSpent": "1h" }
			    }
			  },
			  "changelog": {
			    "id": "@CHANGELOG@",
			    "items": [
			      { "field": "status", "fieldtype": "jira", "fieldId": "status",
			        "from": "3", "fromString": "In Progress", "to": "10101", "toString": "Ready for Deploy" }
			    ]
			  }
			}
			""";

	private static final String[] PARTS;

	private static final char[] KINDS;

	static {
		// Split at @ACTOR@ / @ISSUE@ / @CHANGELOG@ / @TIMESTAMP@ once.
		java.util.List<String> parts = new java.util.ArrayList<>();
		StringBuilder kinds = new StringBuilder();
		String rest = TEMPLATE;
		while (true) {
			int at = -1;
			String token = null;
			for (String t : new String[] { "@ACTOR@", "@ISSUE@", "@CHANGELOG@", "@TIMESTAMP@" }) {
				int i = rest.indexOf(t);
				if (i >= 0 && (at < 0 || i < at)) {
					at = i;
					token = t;
				}
			}
			if (at < 0) {
				parts.add(rest);
				break;
			}
			parts.add(rest.substring(0, at));
			kinds.append(token.charAt(1));
			rest = rest.substring(at + token.length());
		}
		PARTS = parts.toArray(String[]::new);
		KINDS = kinds.toString().toCharArray();
	}

	private JiraTransition() {
	}

	/** The template's literal parts, one more than {@link #kinds()}. */
	static String[] parts() {
		return PARTS.clone();
	}

	/** What goes between part i and i+1: A actor, I issue id, C changelog id, T timestamp. */
	static String kinds() {
		return new String(KINDS);
	}

	static byte[] body(String issueId, String changelogId, String actor) {
		return body(issueId, changelogId, actor, System.currentTimeMillis());
	}

	/**
	 * The body with Jira's {@code timestamp} (ms since the epoch) set: a receiver that refuses
	 * old deliveries sees a fresh one.
	 */
	static byte[] body(String issueId, String changelogId, String actor, long timestampMillis) {
		String timestamp = Long.toString(timestampMillis);
		StringBuilder sb = new StringBuilder(4400);
		for (int i = 0; i < KINDS.length; i++) {
			sb.append(PARTS[i]);
			sb.append(switch (KINDS[i]) {
				case 'A' -> actor;
				case 'I' -> issueId;
				case 'T' -> timestamp;
				default -> changelogId;
			});
		}
		sb.append(PARTS[PARTS.length - 1]);
		return sb.toString().getBytes(StandardCharsets.UTF_8);
	}

}
