package dev.tollgate.jira;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpMethod;

/**
 * Comments on an issue: adding one, and finding one a retried comment job may already
 * have posted (its outcome unknown after a timeout), so it is not posted twice.
 */
final class JiraComments {

	/**
	 * Comments per page, and how many of the newest, a retried comment job looks through
	 * for its own.
	 */
	static final int FIND_COMMENT_PAGE = 10;

	static final int FIND_COMMENT_DEPTH = 100;

	private static final TypeReference<Created> CREATED = new TypeReference<>() {
	};

	private static final TypeReference<CommentPage> COMMENTS = new TypeReference<>() {
	};

	private final JiraTransport transport;

	JiraComments(JiraTransport transport) {
		this.transport = transport;
	}

	/** See {@link JiraClient#addComment}. */
	String add(String issueKey, Object body) {
		return this.transport.send(HttpMethod.POST, "/rest/api/3/issue/{issueKey}/comment", body, CREATED, issueKey)
			.map(Created::id)
			.orElseThrow(() -> JiraUnavailable.unreadable("POST comment", "no comment id in the answer"));
	}

	/** See {@link JiraClient#findComment}. */
	Optional<String> find(String issueKey, String marker) {
		// Small pages: a hundred comments with pasted logs can pass the read limit in one
		// answer, and an unreadable answer fails the comment job until it is dead.
		for (int startAt = 0; startAt < FIND_COMMENT_DEPTH; startAt += FIND_COMMENT_PAGE) {
			CommentPage page = this.transport
				.get("/rest/api/3/issue/{issueKey}/comment?orderBy=-created&startAt={startAt}&maxResults={max}",
						COMMENTS, issueKey, startAt, FIND_COMMENT_PAGE)
				.orElse(null);
			if (page == null || page.comments() == null || page.comments().isEmpty()) {
				return Optional.empty();
			}
			Optional<String> found = page.comments()
				.stream()
				.filter((comment) -> comment.toString().contains(marker))
				.findFirst()
				.map((comment) -> comment.path("id").asString());
			if (found.isPresent()) {
				return found;
			}
			int seen = startAt + page.comments().size();
			if ((page.total() != null) ? seen >= page.total() : page.comments().size() < FIND_COMMENT_PAGE) {
				return Optional.empty();
			}
		}
		return Optional.empty();
	}

	private record Created(String id) {
	}

	private record CommentPage(@Nullable List<JsonNode> comments, @Nullable Integer total) {
	}

}
