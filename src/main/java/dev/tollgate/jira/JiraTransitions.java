package dev.tollgate.jira;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

import dev.tollgate.jira.JiraClient.IssueTransition;
import org.springframework.http.HttpMethod;

/** An issue's status and workflow transitions: reading them, and moving the issue. */
final class JiraTransitions {

	private static final TypeReference<TransitionPage> TRANSITIONS = new TypeReference<>() {
	};

	private static final TypeReference<JsonNode> ISSUE_STATUS = new TypeReference<>() {
	};

	private final JiraTransport transport;

	JiraTransitions(JiraTransport transport) {
		this.transport = transport;
	}

	/** See {@link JiraClient#status}. */
	Optional<String> status(String issueKey) {
		return this.transport.get("/rest/api/3/issue/{issueKey}?fields=status", ISSUE_STATUS, issueKey)
			.map((issue) -> issue.path("fields").path("status").path("name").asString(null));
	}

	/** See {@link JiraClient#transitions}. */
	List<IssueTransition> available(String issueKey) {
		return this.transport.get("/rest/api/3/issue/{issueKey}/transitions", TRANSITIONS, issueKey)
			.map((page) -> (page.transitions() != null) ? page.transitions() : List.<IssueTransition>of())
			.orElse(List.of());
	}

	/** See {@link JiraClient#transition}. */
	void move(String issueKey, String transitionId) {
		this.transport.send(HttpMethod.POST, "/rest/api/3/issue/{issueKey}/transitions",
				Map.of("transition", Map.of("id", transitionId)), JiraTransport.NOTHING, issueKey);
	}

	private record TransitionPage(@Nullable List<IssueTransition> transitions) {
	}

}
