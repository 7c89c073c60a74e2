package dev.tollgate.pipeline.jenkins;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.PipelineProvider.Run;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.pipeline.support.PipelineHttp;
import dev.tollgate.pipeline.support.Templates;
import org.springframework.http.HttpMethod;

import static dev.tollgate.pipeline.support.PipelineHttp.parse;
import static dev.tollgate.pipeline.support.PipelineHttp.queryEncode;
import static dev.tollgate.pipeline.support.PipelineHttp.scalar;

/**
 * Finds the build a decision started, by its {@code TOLLGATE_DECISION_ID} parameter: what
 * a retry looks for before it sends the trigger again, and what a queue item that has
 * left the queue is followed to.
 */
final class JenkinsBuilds {

	/**
	 * The build look-up, one page: {@code allBuilds}, because Jenkins cuts {@code builds}
	 * off at the newest 100; the range {@code {M,N}} runs from M inclusive to N
	 * exclusive, newest first.
	 */
	static final String BUILDS_TREE = "allBuilds[number,url,timestamp,actions[parameters[name,value]]]{%d,%d}";

	/** Builds per look-up page. */
	static final int BUILDS_PER_PAGE = 100;

	/**
	 * Pages a look-up reads at most: newer builds (other decisions, other triggers) push
	 * the one sought back, so a busy job needs more than the first page; bounded so a
	 * look-up stays a few requests.
	 */
	static final int MAX_LOOKUP_PAGES = 10;

	/**
	 * How far back a later attempt looks for a build an earlier attempt may have started
	 * (as for GitHub): no page is read beyond the first that reaches a build started
	 * longer ago.
	 */
	static final Duration RETRY_LOOKBACK = Duration.ofHours(24);

	private final JenkinsTransport transport;

	JenkinsBuilds(JenkinsTransport transport) {
		this.transport = transport;
	}

	/**
	 * A build of the job whose {@code TOLLGATE_DECISION_ID} parameter is the decision id,
	 * looked for newest first across up to {@value #MAX_LOOKUP_PAGES} pages of
	 * {@value #BUILDS_PER_PAGE}, ending at a short page or at builds started before
	 * {@link #RETRY_LOOKBACK}. A 429, 5xx or no answer fails the attempt transiently (no
	 * blind second dispatch); other failures mean "none".
	 */
	Run find(JenkinsJob job, String decisionId) {
		try {
			long since = Instant.now().minus(RETRY_LOOKBACK).toEpochMilli();
			for (int page = 0; page < MAX_LOOKUP_PAGES; page++) {
				String tree = String.format(Locale.ROOT, BUILDS_TREE, page * BUILDS_PER_PAGE,
						(page + 1) * BUILDS_PER_PAGE);
				Answer response = this.transport.send(job, HttpMethod.GET,
						job.jobPath() + "/api/json?tree=" + queryEncode(tree), null, null);
				PipelineHttp.refuseBlindRedispatch("Jenkins", response.status());
				if (response.status() != 200) {
					return null;
				}
				JsonNode found = parse(response.body());
				if (found == null) {
					throw PipelineHttp.unreadableLookup("Jenkins");
				}
				JsonNode builds = found.path("allBuilds");
				boolean pastWindow = false;
				for (JsonNode build : builds) {
					if (carriesDecision(build, decisionId)) {
						return new Run(scalar(build.path("number")), scalar(build.path("url")));
					}
					JsonNode timestamp = build.path("timestamp");
					if (timestamp.isNumber() && timestamp.asLong() < since) {
						pastWindow = true;
					}
				}
				// Newest first: a short page is the last one, and builds older than the
				// window mean the older pages cannot hold the earlier attempt's build.
				if (!builds.isArray() || builds.size() < BUILDS_PER_PAGE || pastWindow) {
					return null;
				}
			}
			return null;
		}
		catch (RuntimeException ex) {
			PipelineHttp.rethrowIfTransient(ex);
			return null;
		}
	}

	private static boolean carriesDecision(JsonNode build, String decisionId) {
		return decisionId.equals(decisionId(build));
	}

	/**
	 * The build's {@code TOLLGATE_DECISION_ID} parameter, from its {@code actions}
	 * ({@code null} when it has none).
	 */
	static String decisionId(JsonNode build) {
		if (build == null) {
			return null;
		}
		for (JsonNode action : build.path("actions")) {
			for (JsonNode parameter : action.path("parameters")) {
				if (Templates.DECISION_ID.equals(scalar(parameter.path("name")))) {
					return scalar(parameter.path("value"));
				}
			}
		}
		return null;
	}

}
