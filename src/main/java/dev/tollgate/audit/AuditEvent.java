package dev.tollgate.audit;

import java.util.Map;
import java.util.UUID;

/**
 * One entry of the append-only audit log, as it is written. Fields that do not apply stay
 * {@code null}. {@code details} holds structured extras (before/after of a policy change,
 * for example) and must never contain a secret.
 */
public record AuditEvent(AuditEventType type, String outcome, String reason, String deliveryId, String issueKey,
		String issueId, String projectKey, String issueType, String actorAccountId, String fromStatus, String toStatus,
		Long ruleId, String ruleName, String target, String runUrl, boolean dryRun, UUID decisionId,
		Map<String, Object> details) {

	public static Builder of(AuditEventType type, String reason) {
		return new Builder(type, reason);
	}

	/** Builder, because most events fill only a few of the many columns. */
	public static final class Builder {

		private final AuditEventType type;

		private final String reason;

		private String outcome;

		private String deliveryId;

		private String issueKey;

		private String issueId;

		private String projectKey;

		private String issueType;

		private String actorAccountId;

		private String fromStatus;

		private String toStatus;

		private Long ruleId;

		private String ruleName;

		private String target;

		private String runUrl;

		private boolean dryRun;

		private UUID decisionId;

		private Map<String, Object> details;

		private Builder(AuditEventType type, String reason) {
			this.type = type;
			this.reason = reason;
		}

		public Builder outcome(String outcome) {
			this.outcome = outcome;
			return this;
		}

		public Builder deliveryId(String deliveryId) {
			this.deliveryId = deliveryId;
			return this;
		}

		public Builder issue(String issueId, String issueKey, String projectKey, String issueType) {
			this.issueId = issueId;
			this.issueKey = issueKey;
			this.projectKey = projectKey;
			this.issueType = issueType;
			return this;
		}

		public Builder actor(String actorAccountId) {
			this.actorAccountId = actorAccountId;
			return this;
		}

		public Builder transition(String fromStatus, String toStatus) {
			this.fromStatus = fromStatus;
			this.toStatus = toStatus;
			return this;
		}

		public Builder rule(Long ruleId, String ruleName) {
			this.ruleId = ruleId;
			this.ruleName = ruleName;
			return this;
		}

		public Builder target(String target) {
			this.target = target;
			return this;
		}

		public Builder runUrl(String runUrl) {
			this.runUrl = runUrl;
			return this;
		}

		public Builder dryRun(boolean dryRun) {
			this.dryRun = dryRun;
			return this;
		}

		public Builder decisionId(UUID decisionId) {
			this.decisionId = decisionId;
			return this;
		}

		public Builder details(Map<String, Object> details) {
			this.details = details;
			return this;
		}

		public AuditEvent build() {
			return new AuditEvent(this.type, this.outcome, this.reason, this.deliveryId, this.issueKey, this.issueId,
					this.projectKey, this.issueType, this.actorAccountId, this.fromStatus, this.toStatus, this.ruleId,
					this.ruleName, this.target, this.runUrl, this.dryRun, this.decisionId, this.details);
		}

	}

}
