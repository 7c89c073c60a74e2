package dev.tollgate.pipeline.github;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.PipelineProvider.Run;
import dev.tollgate.pipeline.github.GitHubAppAuth.Auth;
import dev.tollgate.pipeline.github.GitHubFailures.Call;
import dev.tollgate.pipeline.github.GitHubTransport.Response;
import dev.tollgate.pipeline.support.PipelineHttp;
import dev.tollgate.pipeline.support.TriggerFailure;
import org.springframework.http.HttpMethod;

/**
 * Finds the run a decision started. GitHub names a dispatched run only when the server
 * knows {@code return_run_details}, and an attempt that timed out may have started one
 * unseen; so runs are looked for by the decision id in their name or title, newest first,
 * page by page, within a bounded number of pages. Whether to look, and what to do with
 * the answer, is {@link GitHubActionsClient}'s to decide.
 */
final class GitHubRuns {

	private static final Logger log = LoggerFactory.getLogger(GitHubRuns.class);

	/**
	 * Look-ups for the run after a dispatch without run details (GitHub creates it
	 * asynchronously).
	 */
	static final int LOOKUPS_AFTER_DISPATCH = 3;

	/**
	 * Runs per look-up page. Far below GitHub's maximum of 100: each run carries full
	 * repository and actor objects and its head commit's message (10–15 KB, more with
	 * long messages), and a page over the 1 MiB response cap fails the attempt rather
	 * than let a retry dispatch blind.
	 */
	static final int RUNS_PER_PAGE = 25;

	/**
	 * Pages a look-up reads at most (the newest 1,000 runs): newer runs of other
	 * decisions push the one sought back, so a busy workflow needs more than the first
	 * page; bounded so a look-up stays a few dozen requests at worst.
	 */
	static final int MAX_LOOKUP_PAGES = 40;

	private static final String RUNS_PATH = "/repos/{owner}/{repo}/actions/workflows/{workflow}/runs"
			+ "?event=workflow_dispatch&created={created}&per_page={perPage}&page={page}";

	private final GitHubTransport transport;

	private final GitHubFailures failures;

	private final Duration lookupDelay;

	/**
	 * @param lookupDelay the wait before each look-up for the run after a dispatch that
	 * returned no run details
	 */
	GitHubRuns(GitHubTransport transport, GitHubFailures failures, Duration lookupDelay) {
		this.transport = transport;
		this.failures = failures;
		this.lookupDelay = lookupDelay;
	}

	/**
	 * The run of a dispatch GitHub accepted without naming it, looked for a few times
	 * while GitHub creates it; {@code null} if it does not show up or cannot be looked
	 * for (the dispatch happened, so only the link is lost).
	 */
	Run findAfterDispatch(GitHubWorkflow workflow, Auth auth, String decisionId, Instant since) {
		for (int lookup = 0; lookup < LOOKUPS_AFTER_DISPATCH; lookup++) {
			if (!pause(this.lookupDelay)) {
				return null;
			}
			Run run;
			try {
				run = find(workflow, auth, decisionId, since);
			}
			catch (TriggerFailure ex) {
				// This attempt's dispatch was accepted: a look-up that cannot answer only
				// loses the link.
				return null;
			}
			if (run != null) {
				return run;
			}
		}
		log.info(
				"{} started a run for decision {} without telling its id, and no run named with the decision id "
						+ "was found (set run-name to include ${{ inputs.{} }})",
				workflow, decisionId, GitHubActionsClient.DECISION_INPUT);
		return null;
	}

	/**
	 * A workflow_dispatch run whose name carries the decision id, looked for newest first
	 * across up to {@value #MAX_LOOKUP_PAGES} pages; {@code null} if none or on a
	 * permanent failure.
	 * @throws TriggerFailure (transient) if GitHub could not answer: see
	 * PipelineHttp#refuseBlindRedispatch
	 */
	Run find(GitHubWorkflow workflow, Auth auth, String decisionId, Instant since) {
		// Outside the try: without a token the dispatch cannot happen either, so that
		// failure counts.
		String token = auth.token();
		try {
			String created = ">=" + DateTimeFormatter.ISO_INSTANT.format(since.truncatedTo(ChronoUnit.SECONDS));
			for (int page = 1; page <= MAX_LOOKUP_PAGES; page++) {
				URI uri = this.transport.expand(workflow.base() + RUNS_PATH, workflow.owner(), workflow.repo(),
						workflow.workflow(), created, RUNS_PER_PAGE, page);
				Response response = this.transport.send(HttpMethod.GET, uri, token, null,
						"the run look-up on " + workflow, false);
				if (!response.successful()) {
					if (response.status() == 401) {
						auth.dropToken(token);
					}
					// As refuseBlindRedispatch, with GitHub's own reading of a rate limit
					// (429, or 403 with its rate-limit signs) and of when to try again.
					TriggerFailure failure = this.failures.failure("the look-up for an earlier attempt's run", response,
							Call.DISPATCH, token);
					if (!failure.permanent()) {
						throw failure;
					}
					log.debug("Looking for the run of decision {} on {} failed with {}", decisionId, workflow,
							response.status());
					return null;
				}
				JsonNode runs = (response.json() != null) ? response.json().get("workflow_runs") : null;
				if (runs == null || !runs.isArray()) {
					throw PipelineHttp.unreadableLookup("GitHub");
				}
				for (JsonNode run : runs.values()) {
					String name = GitHubTransport.text(run.get("name"));
					String title = GitHubTransport.text(run.get("display_title"));
					if ((name != null && name.contains(decisionId)) || (title != null && title.contains(decisionId))) {
						String id = GitHubTransport.scalar(run.get("id"));
						String url = GitHubTransport.text(run.get("html_url"));
						return new Run(id, (url != null) ? url : GitHubTransport.text(run.get("url")));
					}
				}
				if (runs.size() < RUNS_PER_PAGE) {
					return null;
				}
			}
			log.info("No run for decision {} among the newest {} runs on {}; dispatching again", decisionId,
					MAX_LOOKUP_PAGES * RUNS_PER_PAGE, workflow);
			return null;
		}
		catch (RuntimeException ex) {
			PipelineHttp.rethrowIfTransient(ex);
			// A permanent failure: the look-up cannot work, so the caller dispatches
			// (again).
			log.debug("Looking for the run of decision {} on {} failed: {}", decisionId, workflow,
					ex.getClass().getSimpleName());
			return null;
		}
	}

	private static boolean pause(Duration delay) {
		if (delay.isZero() || delay.isNegative()) {
			return true;
		}
		try {
			Thread.sleep(delay.toMillis());
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
