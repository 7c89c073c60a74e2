package dev.tollgate.pipeline.jenkins;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.PipelineProvider.Run;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

import static dev.tollgate.pipeline.support.PipelineHttp.parse;
import static dev.tollgate.pipeline.support.PipelineHttp.scalar;

/**
 * Follows the queue item a build request made until it names its build. Jenkins answers
 * 201 with the item's {@code Location}; items that left the queue vanish after five
 * minutes, so the item is polled promptly, within a budget. The item is polled at
 * {@code {base}/queue/item/{n}/}, never at whatever host the {@code Location} names, so
 * the credential only goes to the configured base URL.
 */
final class JenkinsQueue {

	private static final Pattern QUEUE_ITEM = Pattern.compile("/queue/item/(\\d+)/?$");

	private final JenkinsTransport transport;

	private final JenkinsBuilds builds;

	private final Duration pollInterval;

	private final Duration pollBudget;

	JenkinsQueue(JenkinsTransport transport, JenkinsBuilds builds, Duration pollInterval, Duration pollBudget) {
		this.transport = transport;
		this.builds = builds;
		this.pollInterval = pollInterval;
		this.pollBudget = pollBudget;
	}

	/**
	 * Follows the queue item until it names its build; after a 201 the trigger has
	 * succeeded.
	 */
	Run follow(JenkinsJob job, Answer response, String decisionId) {
		String location = response.headers().getFirst(HttpHeaders.LOCATION);
		Matcher item = (location != null) ? QUEUE_ITEM.matcher(pathOf(location)) : null;
		if (item == null || !item.find()) {
			return new Run(null, null);
		}
		String queuePath = "/queue/item/" + item.group(1) + "/";
		String queueUrl = job.base() + queuePath;
		long deadline = System.nanoTime() + this.pollBudget.toNanos();
		while (true) {
			Answer poll;
			try {
				poll = this.transport.send(job, HttpMethod.GET, queuePath + "api/json", null, null);
			}
			catch (TriggerFailure ex) {
				poll = null;
			}
			if (poll != null && poll.status() == 404) {
				// Left the queue more than five minutes ago: the build exists, find it by
				// the decision id. The build was queued by this attempt, so a look-up
				// that cannot answer is not a reason to fail it: the queue URL
				// identifies the run well enough.
				Run build;
				try {
					build = this.builds.find(job, decisionId);
				}
				catch (TriggerFailure ex) {
					build = null;
				}
				return (build != null) ? build : new Run(null, queueUrl);
			}
			if (poll != null && poll.successful()) {
				JsonNode state = parse(poll.body());
				if (state != null) {
					if (state.path("cancelled").asBoolean(false)) {
						throw TriggerFailure.permanent("Jenkins queue item " + item.group(1) + " of job "
								+ job.jobPath() + " was cancelled before it started a build (queue item cancelled).");
					}
					JsonNode executable = state.path("executable");
					String number = scalar(executable.path("number"));
					if (number != null) {
						return new Run(number, scalar(executable.path("url")));
					}
				}
			}
			else if (poll != null && poll.status() >= 400 && poll.status() < 500) {
				// No permission to read the queue (or similar): the build was queued all
				// the same.
				return new Run(null, queueUrl);
			}
			if (System.nanoTime() + this.pollInterval.toNanos() > deadline) {
				return new Run(null, queueUrl);
			}
			try {
				Thread.sleep(this.pollInterval.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new Run(null, queueUrl);
			}
		}
	}

	/**
	 * Jenkins (since about 2.309) answers 303 See Other, pointing at the item already
	 * waiting, when it merges the request into an identical queued one: the build will
	 * run, so this is a success. Only a queue item under the target's own base URL
	 * counts; every other redirect stays a failure.
	 */
	static boolean seeOtherQueueItem(JenkinsJob job, Answer response) {
		String location = response.headers().getFirst(HttpHeaders.LOCATION);
		if (response.status() != 303 || location == null) {
			return false;
		}
		try {
			URI base = URI.create(job.base() + "/");
			URI target = base.resolve(location.strip()).normalize();
			String basePath = base.getRawPath();
			return target.getRawQuery() == null && target.getRawFragment() == null
					&& Objects.equals(base.getScheme(), target.getScheme())
					&& Objects.equals(base.getRawAuthority(), target.getRawAuthority()) && target.getRawPath() != null
					&& target.getRawPath().startsWith(basePath)
					&& QUEUE_ITEM.matcher(target.getRawPath().substring(basePath.length() - 1)).matches();
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static String pathOf(String location) {
		try {
			String path = URI.create(location.strip()).getRawPath();
			return (path != null) ? path : "";
		}
		catch (IllegalArgumentException ex) {
			return "";
		}
	}

}
