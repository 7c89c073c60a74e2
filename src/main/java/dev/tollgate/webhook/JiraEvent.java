package dev.tollgate.webhook;

import java.time.Instant;
import java.util.regex.Pattern;

import dev.tollgate.job.JobType;

/**
 * A Jira delivery that needs a decision, read from the webhook body: a status transition,
 * a created issue, or an approval command comment. It is the payload of the
 * {@code EVALUATE} job.
 *
 * @param deliveryId Jira's delivery id, or a generated one when Jira sent none
 * @param receivedAt when the delivery arrived (decision latency is measured from here)
 * @param actorAccountId who made the transition or wrote the comment; {@code null} if
 * Jira did not say
 * @param status the status change; for a created issue {@code from} is {@code null}
 * @param comment the command comment, only for {@link Type#APPROVAL_COMMAND}
 */
public record JiraEvent(Type type, String deliveryId, Instant receivedAt, Issue issue, String actorAccountId,
		StatusChange status, Comment comment) {

	/** The job kind that turns a Jira event into decisions. */
	public static final JobType<JiraEvent> EVALUATE_JOB = new JobType<>("EVALUATE", JiraEvent.class);

	public enum Type {

		TRANSITION, ISSUE_CREATED, APPROVAL_COMMAND

	}

	public record Issue(String id, String key, String projectKey, String type) {
	}

	/**
	 * Status names as Jira showed them at the time, and their ids (stable across
	 * renames).
	 */
	public record StatusChange(String fromId, String from, String toId, String to, String changelogId) {
	}

	/**
	 * An approval command: {@code /approve} or {@code /deny <reason>} as the first word
	 * of a comment, ignoring leading blanks and case.
	 *
	 * @param text the comment's plain text, cut to a bounded length
	 */
	public record Comment(String id, String text) {

		private static final Pattern WHITESPACE = Pattern.compile("\\s+");

		/** Whether a comment's text is an approval command at all. */
		static boolean isCommand(String text) {
			if (text == null) {
				return false;
			}
			String first = words(text)[0];
			return first.equalsIgnoreCase("/approve") || first.equalsIgnoreCase("/deny");
		}

		/** {@code true} for {@code /approve}, {@code false} for {@code /deny}. */
		public boolean approves() {
			return words(this.text)[0].equalsIgnoreCase("/approve");
		}

		/** What follows the command word, or {@code null}. */
		public String reason() {
			String[] words = words(this.text);
			return (words.length > 1) ? words[1].strip() : null;
		}

		/** The first word and the rest. */
		private static String[] words(String text) {
			return WHITESPACE.split(text.strip(), 2);
		}

	}

}
