package dev.tollgate.gate;

import java.time.Instant;
import java.util.UUID;

/**
 * One question a CI system asked a gate, and its answer, as {@code GET
 * /api/v1/gates/reviews} lists it.
 *
 * @param subject the repository, project or job and the run, deployment or build in it
 * @param status {@code WAITING}, {@code APPROVED} or {@code REJECTED}
 * @param answered whether the CI system has been told
 */
public record GateReview(long id, String gate, String provider, String target, String subject, String environment,
		String status, boolean dryRun, String reason, String runUrl, String issueKey, UUID decisionId,
		Long approvalRequestId, boolean answered, Instant requestedAt, Instant waitUntil, Instant decidedAt,
		Instant answeredAt) {

	public enum Status {

		WAITING, APPROVED, REJECTED

	}

}
