package dev.tollgate.jira;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tollgate.job.JobQueue;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Comments parked while Jira was not configured ({@link CommentJobHandler#PARKED}) are
 * posted as soon as a replica starts with Jira configured, instead of at the end of their
 * park.
 */
@Component
class ParkedComments {

	private static final Logger log = LoggerFactory.getLogger(ParkedComments.class);

	private final JiraClient jira;

	private final JobQueue queue;

	ParkedComments(JiraClient jira, JobQueue queue) {
		this.jira = jira;
		this.queue = queue;
	}

	@EventListener(ApplicationReadyEvent.class)
	void resume() {
		if (!this.jira.configured()) {
			return;
		}
		int resumed = this.queue.resumeDeferred(CommentRequest.JOB, CommentJobHandler.PARKED);
		if (resumed > 0) {
			log.info("{} Jira comment(s) parked while Jira was not configured are posted now", resumed);
		}
	}

}
