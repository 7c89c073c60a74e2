package dev.tollgate.jira;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.tollgate.job.Job;
import dev.tollgate.job.JobHandler;
import dev.tollgate.job.JobOutcome;
import dev.tollgate.job.JobType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code COMMENT} job: posts one comment in Atlassian Document Format. 429 and
 * 5xx/timeouts are retried (honouring {@code Retry-After}); 403/404 end the job with
 * Jira's reason. A retry after an unknown outcome (a timeout once the request was sent)
 * first looks for the comment by its audit marker, so each audit event is commented at
 * most once.
 */
@Component
class CommentJobHandler implements JobHandler<CommentRequest> {

	/**
	 * The reason a comment waits while Jira is not configured (in the job's
	 * {@code last_error}, so {@code GET /jobs} shows it); {@link ParkedComments} resumes
	 * the jobs that carry it once Jira is.
	 */
	static final String PARKED = "Parked until Jira is configured: set tollgate.jira.base-url "
			+ "(TOLLGATE_JIRA_BASE_URL), tollgate.jira.user-email and tollgate.jira.api-token and restart; "
			+ "the comment is posted then, without using up its attempts.";

	/**
	 * How long a parked comment sleeps before it looks again. Configuration changes take
	 * a restart, at which {@link ParkedComments} wakes every parked comment at once, so
	 * this only bounds how often a replica still without Jira re-reads them.
	 */
	static final Duration PARK = Duration.ofHours(1);

	private final JiraClient jira;

	private final CommentProperties properties;

	private final JdbcClient jdbc;

	private final MeterRegistry registry;

	CommentJobHandler(JiraClient jira, CommentProperties properties, JdbcClient jdbc, MeterRegistry registry) {
		this.jira = jira;
		this.properties = properties;
		this.jdbc = jdbc;
		this.registry = registry;
		for (String result : new String[] { "POSTED", "RATE_LIMITED", "FAILED", "REJECTED", "DISABLED", "PARKED" }) {
			counter(result);
		}
	}

	@Override
	public JobType<CommentRequest> type() {
		return CommentRequest.JOB;
	}

	@Override
	public JobOutcome handle(Job job, CommentRequest request) {
		if (!this.properties.enabled()) {
			count("DISABLED");
			return JobOutcome.done();
		}
		if (!this.jira.configured()) {
			// It could never work: without parking, every comment would use up its
			// attempts and fill the dead jobs with one and the same misconfiguration.
			count("PARKED");
			return JobOutcome.deferred(PARKED, Instant.now().plus(PARK));
		}
		String marker = marker(request.auditEventId());
		try {
			if (job.triedBefore()) {
				Optional<String> existing = this.jira.findComment(request.issueKey(), marker);
				if (existing.isPresent()) {
					count("POSTED");
					return JobOutcome.done(() -> recordPosted(request, existing.get()));
				}
			}
			String commentId = this.jira.addComment(request.issueKey(), body(request, marker));
			count("POSTED");
			return JobOutcome.done(() -> recordPosted(request, commentId));
		}
		catch (JiraRejected ex) {
			count("REJECTED");
			return JobOutcome.failed(ex.getMessage());
		}
		catch (JiraUnavailable ex) {
			count((ex.retryAfter() != null) ? "RATE_LIMITED" : "FAILED");
			return JobOutcome.retryLater(ex.getMessage(), ex.retryAfter());
		}
	}

	/** The text that identifies Tollgate's comment for one audit event. */
	static String marker(long auditEventId) {
		// The full stop ends the number, so #12 never matches #123.
		return "Tollgate audit event #" + auditEventId + ".";
	}

	/** The request JSON: an ADF document (version 1), and the configured visibility. */
	Map<String, Object> body(CommentRequest request, String marker) {
		List<Object> content = new ArrayList<>();
		for (List<CommentRequest.Span> paragraph : request.paragraphs()) {
			content.add(paragraph(paragraph.stream().map(CommentJobHandler::textNode).toList()));
		}
		content.add(paragraph(List.of(Map.of("type", "text", "text", marker, "marks", List.of(Map.of("type", "em"))))));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("body", Map.of("type", "doc", "version", 1, "content", content));
		String visibility = this.properties.visibility();
		if (visibility != null && !visibility.isBlank()) {
			int colon = visibility.indexOf(':');
			body.put("visibility",
					Map.of("type", visibility.substring(0, colon), "value", visibility.substring(colon + 1)));
		}
		return body;
	}

	private static Map<String, Object> paragraph(List<?> nodes) {
		return Map.of("type", "paragraph", "content", nodes);
	}

	private static Map<String, Object> textNode(CommentRequest.Span span) {
		Map<String, Object> node = new LinkedHashMap<>();
		node.put("type", "text");
		node.put("text", span.text());
		switch (span.style()) {
			case STRONG -> node.put("marks", List.of(Map.of("type", "strong")));
			case CODE -> node.put("marks", List.of(Map.of("type", "code")));
			case LINK -> node.put("marks", List.of(Map.of("type", "link", "attrs", Map.of("href", span.href()))));
			case PLAIN -> {
			}
		}
		return node;
	}

	private void recordPosted(CommentRequest request, String commentId) {
		this.jdbc
			.sql("""
					INSERT INTO tollgate.jira_comment (audit_event_id, issue_key, comment_id) VALUES (:event, :issue, :comment)
					ON CONFLICT (audit_event_id) DO NOTHING
					""")
			.param("event", request.auditEventId())
			.param("issue", request.issueKey())
			.param("comment", commentId)
			.update();
	}

	private void count(String result) {
		counter(result).increment();
	}

	private Counter counter(String result) {
		return Counter.builder("tollgate.jira.comments")
			.description("Jira comment attempts by result")
			.tag("result", result)
			.register(this.registry);
	}

}
