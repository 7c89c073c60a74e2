package dev.tollgate.approval;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.jira.CommentRequest;
import dev.tollgate.job.JobQueue;
import dev.tollgate.pipeline.TriggerRequest;
import dev.tollgate.policy.Rule;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Approval gates. A {@code PENDING_APPROVAL} decision opens a request; votes are counted under a
 * row lock on the request, so concurrent votes never trigger twice or lose a vote; reaching the
 * quorum writes {@code APPROVAL_GRANTED} and the {@code TRIGGER} job in one transaction. Every step
 * is audited and mirrored to the issue.
 */
@Service
public class Approvals {

	private final JdbcClient jdbc;

	private final AuditLog audit;

	private final JobQueue jobs;

	Approvals(JdbcClient jdbc, AuditLog audit, JobQueue jobs) {
		this.jdbc = jdbc;
		this.audit = audit;
		this.jobs = jobs;
	}

	/**
	 * Opens the request for a {@code PENDING_APPROVAL} decision; joins the caller's transaction.
	 * @param trigger what to start once approved (also carries the issue and the requester)
	 */
	public void open(Rule rule, TriggerRequest trigger) {
		Rule.Approval gate = rule.approval();
		Instant expiresAt = (gate.expiresAfter() != null) ? Instant.now().plus(gate.expiresAfter()) : null;
		Optional<Long> id = this.jdbc.sql("""
				INSERT INTO tollgate.approval_request (decision_id, rule_id, rule_name, target, required, approver_roles,
				    separation_of_duties, comment, requester_account_id, delivery_id, issue_id, issue_key, project_key,
				    issue_type, from_status, to_status, expires_at)
				VALUES (:decisionId, :ruleId, :ruleName, :target, :required, :roles, :sod, :comment, :requester, :deliveryId,
				    :issueId, :issueKey, :projectKey, :issueType, :fromStatus, :toStatus, :expiresAt)
				ON CONFLICT (decision_id) DO NOTHING
				RETURNING id
				""")
			.param("decisionId", trigger.decisionId())
			.param("ruleId", rule.id())
			.param("ruleName", rule.name())
			.param("target", rule.target())
			.param("required", gate.required())
			.param("roles", gate.approverRoles().toArray(String[]::new))
			.param("sod", gate.separationOfDuties())
			.param("comment", rule.comment())
			.param("requester", trigger.actorAccountId())
			.param("deliveryId", trigger.deliveryId())
			.param("issueId", trigger.issueId())
			.param("issueKey", trigger.issueKey())
			.param("projectKey", trigger.projectKey())
			.param("issueType", trigger.issueType())
			.param("fromStatus", trigger.fromStatus())
			.param("toStatus", trigger.toStatus())
			.param("expiresAt", (expiresAt != null) ? Timestamp.from(expiresAt) : null, java.sql.Types.TIMESTAMP)
			.query(Long.class)
			.optional();
		if (id.isEmpty()) {
			return;
		}
		Stored request = find(id.get()).orElseThrow();
		audit(request, AuditEventType.APPROVAL_REQUESTED, "PENDING", "Approval request " + request.id() + " opened: "
				+ gate.required() + " approval(s) from " + gate.approverRoles() + " needed before "
				+ ((rule.target() != null) ? "target '" + rule.target() + "'" : "the transition") + " goes ahead"
				+ ((expiresAt != null) ? ", until " + expiresAt : "") + ".", null);
		if (expiresAt != null) {
			this.jobs.enqueue(ApprovalExpiry.JOB, "expire:" + request.id(), new ApprovalExpiry(request.id()), expiresAt);
		}
	}

	/**
	 * A transition of the issue: open requests gated on the status it left are cancelled. Joins the
	 * caller's transaction.
	 */
	public void issueMoved(String issueId, String fromStatus, String toStatus) {
		if (fromStatus == null) {
			return;
		}
		List<Long> cancelled = this.jdbc.sql("""
				UPDATE tollgate.approval_request SET status = 'CANCELLED', closed_at = now(),
				    close_reason = :reason
				WHERE issue_id = :issueId AND status = 'PENDING' AND lower(to_status) = lower(:from)
				RETURNING id
				""")
			.param("reason", "the issue moved on to '" + toStatus + "' before the approvals were in")
			.param("issueId", issueId)
			.param("from", fromStatus)
			.query(Long.class)
			.list();
		for (long id : cancelled) {
			auditCancelled(find(id).orElseThrow(), fromStatus, toStatus);
		}
	}

	/** Cancels a request whose issue Jira reports in another status; joins the caller's transaction. */
	private void cancel(Stored request, String issueStatus) {
		close(request, "CANCELLED", "the issue moved on to '" + issueStatus + "' before the approvals were in");
		auditCancelled(request, request.toStatus(), issueStatus);
	}

	private void auditCancelled(Stored request, String fromStatus, String toStatus) {
		audit(request, AuditEventType.APPROVAL_CANCELLED, "CANCELLED", "Approval request " + request.id()
				+ " was cancelled: the issue moved from '" + fromStatus + "' to '" + toStatus + "'.",
				(comment) -> comment.strong("APPROVAL CANCELLED")
					.text(": the issue left ")
					.code(fromStatus)
					.text(" before enough approvals were in, so ")
					.code((request.target() != null) ? request.target() : "nothing")
					.text(" will not start."));
	}

	/** The open request of an issue (the most recent), for a vote from a Jira comment. */
	Optional<Stored> pendingFor(String issueId) {
		return this.jdbc.sql("""
				SELECT * FROM tollgate.approval_request WHERE issue_id = :issueId AND status = 'PENDING'
				ORDER BY id DESC LIMIT 1
				""").param("issueId", issueId).query(Approvals::map).optional();
	}

	public boolean exists(long id) {
		return find(id).isPresent();
	}

	/** What a vote by {@code voter} on request {@code id} can still do, checked before queuing it. */
	public enum VoteState {
		/** Pending, and this voter has not voted yet. */
		OPEN,
		/** This voter's vote is already counted: a repeat is a no-op. */
		ALREADY_VOTED,
		/** Granted, denied, expired or cancelled. */
		CLOSED

	}

	/**
	 * The state a vote by {@code voter} would meet; the vote job checks again under the request's
	 * row lock. Lets the API answer a vote that can change nothing at once, instead of queuing it
	 * (and commenting a refusal on the issue) for nothing.
	 */
	public VoteState voteState(long id, String voter) {
		return this.jdbc.sql("""
				SELECT r.status, EXISTS (SELECT 1 FROM tollgate.approval_vote v WHERE v.request_id = r.id AND v.voter = :voter)
				FROM tollgate.approval_request r WHERE r.id = :id
				""")
			.param("id", id)
			.param("voter", voter)
			.query((rs, n) -> !"PENDING".equals(rs.getString(1)) ? VoteState.CLOSED
					: rs.getBoolean(2) ? VoteState.ALREADY_VOTED : VoteState.OPEN)
			.optional()
			.orElse(VoteState.CLOSED);
	}

	Optional<Stored> find(long id) {
		return this.jdbc.sql("SELECT * FROM tollgate.approval_request WHERE id = :id")
			.param("id", id)
			.query(Approvals::map)
			.optional();
	}

	/**
	 * Counts one vote; joins the caller's transaction (the vote job's completion).
	 * @param voterRoles the voter's Tollgate roles in the request's project
	 * @param issueStatus the issue's status as Jira reports it now; empty if unknown
	 */
	void castVote(long requestId, VoteRequest vote, Set<String> voterRoles, Optional<String> issueStatus) {
		// Past its deadline the request closes first, by the database's clock as its expiry job would:
		// that job may not have run yet (it is polled, or waits out a crashed worker's lease).
		expire(requestId);
		// The row lock serialises concurrent votes on one request.
		Stored request = this.jdbc.sql("SELECT * FROM tollgate.approval_request WHERE id = :id FOR UPDATE")
			.param("id", requestId)
			.query(Approvals::map)
			.single();
		String voter = vote.voter();
		if (!request.status().equals("PENDING")) {
			refuse(request, vote, "approval request " + request.id() + " is already closed (" + request.status() + ")");
			return;
		}
		if (issueStatus.isPresent() && request.toStatus() != null
				&& !issueStatus.get().strip().equalsIgnoreCase(request.toStatus().strip())) {
			cancel(request, issueStatus.get());
			refuse(request, vote, "the issue has left '" + request.toStatus() + "' for '" + issueStatus.get()
					+ "', so approval request " + request.id() + " is cancelled");
			return;
		}
		boolean eligible = voterRoles.stream()
			.anyMatch((role) -> request.approverRoles().stream().anyMatch(role::equalsIgnoreCase));
		if (!eligible) {
			refuse(request, vote, voter + " holds none of the approver roles " + request.approverRoles());
			return;
		}
		if (request.separationOfDuties() && voter.equals(request.requester())) {
			refuse(request, vote, voter + " made the transition and cannot approve it (separation of duties)");
			return;
		}
		int inserted = this.jdbc.sql("""
				INSERT INTO tollgate.approval_vote (request_id, voter, vote, reason, source)
				VALUES (:request, :voter, :vote, :reason, :source)
				ON CONFLICT (request_id, voter) DO NOTHING
				""")
			.param("request", requestId)
			.param("voter", voter)
			.param("vote", vote.approve() ? "APPROVE" : "DENY")
			.param("reason", vote.reason())
			.param("source", vote.source().name())
			.update();
		if (inserted == 0) {
			return; // one vote per person: a repeat changes nothing
		}
		if (!vote.approve()) {
			close(request, "DENIED", "denied by " + voter + ((vote.reason() != null) ? ": " + vote.reason() : ""));
			audit(request, AuditEventType.APPROVAL_DENIED, "DENIED", "Approval request " + request.id() + " was denied by "
					+ voter + ((vote.reason() != null) ? ": " + vote.reason() : "") + ".",
					(comment) -> comment.strong("APPROVAL DENIED")
						.text(": " + voter + " denied this transition"
								+ ((vote.reason() != null) ? ": " + vote.reason() : "") + ". ")
						.code((request.target() != null) ? request.target() : "Nothing")
						.text(" will not start."));
			return;
		}
		List<String> approvers = this.jdbc.sql("""
				SELECT voter FROM tollgate.approval_vote WHERE request_id = :id AND vote = 'APPROVE' ORDER BY id
				""").param("id", requestId).query(String.class).list();
		if (approvers.size() >= request.required()) {
			close(request, "GRANTED", "approved by " + approvers);
			audit(request, AuditEventType.APPROVAL_GRANTED, "GRANTED", "Approval request " + request.id()
					+ " was granted by " + String.join(", ", approvers) + ".",
					(comment) -> comment.strong("APPROVED")
						.text(" by " + String.join(", ", approvers) + ". ")
						.code((request.target() != null) ? request.target() : "The transition")
						.text((request.target() != null) ? " starts now." : " stands."));
			if (request.target() != null) {
				TriggerRequest trigger = request.trigger();
				this.jobs.enqueue(TriggerRequest.JOB, trigger.dedupKey(), trigger);
			}
			return;
		}
		int missing = request.required() - approvers.size();
		audit(request, AuditEventType.APPROVAL_VOTED, "APPROVED", voter + " approved request " + request.id() + "; "
				+ missing + " more approval(s) needed.",
				(comment) -> comment.text(voter + " approved. ")
					.strong(missing + " more approval" + ((missing == 1) ? "" : "s"))
					.text(" needed from " + String.join(" or ", request.approverRoles()) + " (so far: "
							+ String.join(", ", approvers) + ")."));
	}

	/** Closes an expired request; joins the caller's transaction. */
	void expire(long requestId) {
		Optional<Stored> found = this.jdbc.sql("""
				SELECT * FROM tollgate.approval_request WHERE id = :id AND status = 'PENDING' AND expires_at <= now()
				FOR UPDATE
				""").param("id", requestId).query(Approvals::map).optional();
		if (found.isEmpty()) {
			return;
		}
		Stored request = found.get();
		close(request, "EXPIRED", "no quorum before " + request.expiresAt());
		audit(request, AuditEventType.APPROVAL_EXPIRED, "EXPIRED", "Approval request " + request.id()
				+ " expired without enough approvals.",
				(comment) -> comment.strong("APPROVAL EXPIRED")
					.text(": not enough approvals came in time. ")
					.code((request.target() != null) ? request.target() : "Nothing")
					.text(" will not start; move the issue again to ask anew."));
	}

	/** A vote that does not count, explained on the issue. */
	void refuse(Stored request, VoteRequest vote, String why) {
		audit(request, AuditEventType.APPROVAL_VOTED, "REJECTED", "A vote by " + vote.voter() + " was not counted: "
				+ why + ".", (comment) -> comment.strong("VOTE NOT COUNTED").text(": " + why + "."));
	}

	@Transactional(readOnly = true)
	public List<ApprovalRequest> list(String status, int limit) {
		List<Stored> requests = this.jdbc.sql("""
				SELECT * FROM tollgate.approval_request WHERE (CAST(:status AS text) IS NULL OR status = :status)
				ORDER BY id DESC LIMIT :limit
				""")
			.param("status", (status != null && !status.isBlank()) ? status.toUpperCase(Locale.ROOT) : null,
					java.sql.Types.VARCHAR)
			.param("limit", Math.max(1, Math.min(limit, 500)))
			.query(Approvals::map)
			.list();
		return requests.stream().map(this::view).toList();
	}

	private ApprovalRequest view(Stored r) {
		List<ApprovalRequest.Vote> votes = this.jdbc.sql("""
				SELECT voter, vote, reason, source, created_at FROM tollgate.approval_vote WHERE request_id = :id ORDER BY id
				""")
			.param("id", r.id())
			.query((rs, n) -> new ApprovalRequest.Vote(rs.getString("voter"), rs.getString("vote"), rs.getString("reason"),
					rs.getString("source"), rs.getTimestamp("created_at").toInstant()))
			.list();
		return new ApprovalRequest(r.id(), r.decisionId(), r.status(), r.ruleId(), r.ruleName(), r.target(), r.required(),
				r.approverRoles(), r.separationOfDuties(), r.requester(), r.issueKey(), r.projectKey(), r.fromStatus(),
				r.toStatus(), r.createdAt(), r.expiresAt(), r.closedAt(), r.closeReason(), votes);
	}

	private void close(Stored request, String status, String reason) {
		this.jdbc.sql("""
				UPDATE tollgate.approval_request SET status = :status, closed_at = now(), close_reason = :reason
				WHERE id = :id AND status = 'PENDING'
				""").param("status", status).param("reason", reason).param("id", request.id()).update();
	}

	private void audit(Stored request, AuditEventType type, String outcome, String reason,
			java.util.function.Consumer<CommentRequest.Builder> comment) {
		long eventId = this.audit.append(AuditEvent.of(type, reason)
			.outcome(outcome)
			.deliveryId(request.deliveryId())
			.issue(request.issueId(), request.issueKey(), request.projectKey(), request.issueType())
			.actor(request.requester())
			.transition(request.fromStatus(), request.toStatus())
			.rule(request.ruleId(), request.ruleName())
			.target(request.target())
			.decisionId(request.decisionId())
			.details(Map.of("approvalRequestId", request.id()))
			.build());
		if (comment != null && request.comment()) {
			CommentRequest.Builder builder = CommentRequest.on(request.issueKey(), eventId);
			comment.accept(builder);
			CommentRequest built = builder.build();
			this.jobs.enqueueOrdered(CommentRequest.JOB, built.dedupKey(), built, built.orderingKey());
		}
	}

	/** A request as stored. */
	record Stored(long id, UUID decisionId, String status, long ruleId, String ruleName, String target, int required,
			List<String> approverRoles, boolean separationOfDuties, boolean comment, String requester, String deliveryId,
			String issueId, String issueKey, String projectKey, String issueType, String fromStatus, String toStatus,
			Instant createdAt, Instant expiresAt, Instant closedAt, String closeReason) {

		TriggerRequest trigger() {
			return new TriggerRequest(this.decisionId, this.deliveryId, this.ruleId, this.ruleName, this.target,
					this.issueId, this.issueKey, this.projectKey, this.issueType, this.fromStatus, this.toStatus,
					this.requester, this.comment);
		}

	}

	private static Stored map(ResultSet rs, int row) throws SQLException {
		Array roles = rs.getArray("approver_roles");
		return new Stored(rs.getLong("id"), rs.getObject("decision_id", UUID.class), rs.getString("status"),
				rs.getLong("rule_id"), rs.getString("rule_name"), rs.getString("target"), rs.getInt("required"),
				Arrays.asList((String[]) roles.getArray()), rs.getBoolean("separation_of_duties"),
				rs.getBoolean("comment"), rs.getString("requester_account_id"), rs.getString("delivery_id"),
				rs.getString("issue_id"), rs.getString("issue_key"), rs.getString("project_key"),
				rs.getString("issue_type"), rs.getString("from_status"), rs.getString("to_status"),
				instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("expires_at")),
				instant(rs.getTimestamp("closed_at")), rs.getString("close_reason"));
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
