package dev.tollgate.jira;

import java.util.ArrayList;
import java.util.List;

import dev.tollgate.job.JobType;

/**
 * The payload of a {@code COMMENT} job: what to say on which issue, as paragraphs of
 * styled spans. The producers choose the words; {@link CommentJobHandler} turns them into
 * Atlassian Document Format. One comment per audit event: the job's dedup key is the
 * audit event id.
 */
public record CommentRequest(String issueKey, long auditEventId, List<List<Span>> paragraphs) {

	public static final JobType<CommentRequest> JOB = new JobType<>("COMMENT", CommentRequest.class);

	public String dedupKey() {
		return "comment:" + this.auditEventId;
	}

	/** Comments on one issue are posted one at a time, in the order they were made. */
	public String orderingKey() {
		return "comment:" + this.issueKey;
	}

	public enum Style {

		PLAIN, STRONG, CODE, LINK

	}

	/**
	 * @param href only for {@link Style#LINK}
	 */
	public record Span(String text, Style style, String href) {
	}

	public static Builder on(String issueKey, long auditEventId) {
		return new Builder(issueKey, auditEventId);
	}

	/**
	 * Writes a comment the way people read it in Jira: short paragraphs, bold outcome,
	 * code names.
	 */
	public static final class Builder {

		private final String issueKey;

		private final long auditEventId;

		private final List<List<Span>> paragraphs = new ArrayList<>();

		private List<Span> current = new ArrayList<>();

		private Builder(String issueKey, long auditEventId) {
			this.issueKey = issueKey;
			this.auditEventId = auditEventId;
		}

		public Builder text(String text) {
			return add(text, Style.PLAIN, null);
		}

		public Builder strong(String text) {
			return add(text, Style.STRONG, null);
		}

		public Builder code(String text) {
			return add(text, Style.CODE, null);
		}

		/** A link; without a URL the text stays plain. */
		public Builder link(String text, String href) {
			return (href == null || href.isBlank()) ? text(text) : add(text, Style.LINK, href);
		}

		/** Ends the current paragraph. */
		public Builder paragraph() {
			if (!this.current.isEmpty()) {
				this.paragraphs.add(List.copyOf(this.current));
				this.current = new ArrayList<>();
			}
			return this;
		}

		public CommentRequest build() {
			paragraph();
			return new CommentRequest(this.issueKey, this.auditEventId, List.copyOf(this.paragraphs));
		}

		private Builder add(String text, Style style, String href) {
			if (text != null && !text.isEmpty()) {
				this.current.add(new Span(text, style, href));
			}
			return this;
		}

	}

}
