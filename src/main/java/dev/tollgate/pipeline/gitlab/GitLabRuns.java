package dev.tollgate.pipeline.gitlab;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

import dev.tollgate.pipeline.PipelineProvider.Run;
import dev.tollgate.pipeline.gitlab.GitLabTransport.Credential;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.pipeline.support.PipelineHttp;
import dev.tollgate.pipeline.support.Templates;
import org.springframework.http.HttpMethod;

import static dev.tollgate.pipeline.support.PipelineHttp.parse;
import static dev.tollgate.pipeline.support.PipelineHttp.queryEncode;
import static dev.tollgate.pipeline.support.PipelineHttp.scalar;

/**
 * Finds the pipeline an earlier attempt started for a decision (its answer lost to a
 * timeout), so that a retry does not start a second one. Needs an access token: a trigger
 * token cannot list pipelines. GitLab shows a pipeline's variables but not its inputs, so
 * in inputs mode only a {@code workflow:name} carrying the decision id finds it.
 */
final class GitLabRuns {

	/**
	 * At most this many pipelines' variables are read when looking for an earlier
	 * attempt's run.
	 */
	static final int MAX_VARIABLE_LOOKUPS = 5;

	/**
	 * Pipelines created longer ago than this are not candidates for an earlier attempt's
	 * run, and the look-up reads no further than the first of them.
	 */
	static final Duration LOOKUP_WINDOW = Duration.ofHours(6);

	/** Pipelines per look-up page (GitLab's maximum). */
	static final int PIPELINES_PER_PAGE = 100;

	/**
	 * Pages a look-up reads at most: newer pipelines (other decisions, pushes) push the
	 * one sought back, so a busy ref needs more than the first page; bounded so a look-up
	 * stays a few requests.
	 */
	static final int MAX_LOOKUP_PAGES = 10;

	private final GitLabTransport transport;

	private final Clock clock;

	GitLabRuns(GitLabTransport transport, Clock clock) {
		this.transport = transport;
		this.clock = clock;
	}

	/**
	 * Looks for a pipeline an earlier attempt started among the ref's pipelines, newest
	 * first, up to {@value #MAX_LOOKUP_PAGES} pages of {@value #PIPELINES_PER_PAGE}, no
	 * page beyond the first that reaches pipelines created before {@link #LOOKUP_WINDOW}:
	 * matched by a workflow name carrying the decision id or, for the
	 * {@value #MAX_VARIABLE_LOOKUPS} newest created within the window, by their
	 * {@code TOLLGATE_DECISION_ID} variable (one call each, so bounded). A 429, 5xx or no
	 * answer to the list fails the attempt transiently (no blind second dispatch); other
	 * failures mean "not found".
	 */
	Run find(GitLabProject project, String decisionId) {
		try {
			Instant since = this.clock.instant().minus(LOOKUP_WINDOW);
			// No updated_after filter: the first page is read whatever the pipelines'
			// age; the window only ends the paging, on created_at.
			String listPath = project.projectPath() + "/pipelines?ref=" + queryEncode(project.ref())
					+ "&order_by=id&sort=desc&per_page=" + PIPELINES_PER_PAGE + "&page=";
			int variableLookups = 0;
			for (int page = 1; page <= MAX_LOOKUP_PAGES; page++) {
				Answer list = this.transport.send(project, HttpMethod.GET, listPath + page, null, null,
						Credential.PRIVATE_TOKEN);
				PipelineHttp.refuseBlindRedispatch("GitLab", list.status());
				if (list.status() != 200) {
					return null;
				}
				JsonNode pipelines = parse(list.body());
				if (pipelines == null || !pipelines.isArray()) {
					throw PipelineHttp.unreadableLookup("GitLab");
				}
				List<JsonNode> candidates = new ArrayList<>();
				boolean pastWindow = false;
				for (JsonNode pipeline : pipelines) {
					String id = scalar(pipeline.path("id"));
					if (id == null || !id.chars().allMatch(Character::isDigit)) {
						continue;
					}
					String name = scalar(pipeline.path("name"));
					if (name != null && name.contains(decisionId)) {
						return new Run(id, scalar(pipeline.path("web_url")));
					}
					if (createdSince(pipeline, since)) {
						candidates.add(pipeline);
					}
					else {
						pastWindow = true;
					}
				}
				// The newest candidates' variables are read as soon as they are seen: a
				// lost answer usually leaves its pipeline among the newest, found
				// without reading further pages.
				for (JsonNode pipeline : candidates) {
					if (variableLookups >= MAX_VARIABLE_LOOKUPS) {
						break;
					}
					variableLookups++;
					String id = scalar(pipeline.path("id"));
					if (carriesDecision(project, id, decisionId)) {
						return new Run(id, scalar(pipeline.path("web_url")));
					}
				}
				// Newest first by id: a short page is the last one, and once pipelines
				// created before the window show up, the older pages cannot hold the
				// earlier attempt's pipeline.
				if (pipelines.size() < PIPELINES_PER_PAGE || pastWindow) {
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

	/**
	 * Whether the pipeline's {@code TOLLGATE_DECISION_ID} variable is the decision id
	 * (one call).
	 */
	private boolean carriesDecision(GitLabProject project, String id, String decisionId) {
		Answer variables = this.transport.send(project, HttpMethod.GET,
				project.projectPath() + "/pipelines/" + id + "/variables", null, null, Credential.PRIVATE_TOKEN);
		// A 429 or 5xx here says nothing about this pipeline; it may be the earlier
		// attempt's.
		PipelineHttp.refuseBlindRedispatch("GitLab", variables.status());
		JsonNode found = (variables.status() == 200) ? parse(variables.body()) : null;
		if (found != null && found.isArray()) {
			for (JsonNode variable : found) {
				if (Templates.DECISION_ID.equals(scalar(variable.path("key")))
						&& decisionId.equals(scalar(variable.path("value")))) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean createdSince(JsonNode pipeline, Instant since) {
		String created = scalar(pipeline.path("created_at"));
		if (created == null) {
			return true;
		}
		try {
			return !OffsetDateTime.parse(created).toInstant().isBefore(since);
		}
		catch (DateTimeException ex) {
			return true;
		}
	}

}
