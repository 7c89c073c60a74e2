package dev.tollgate.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

@Entity
@Table(name = "rule")
class RuleEntity {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	Long id;

	@Column(nullable = false)
	String name;

	@Column(name = "project_key", nullable = false)
	String projectKey;

	@Column(name = "issue_types", nullable = false)
	String[] issueTypes = new String[0];

	@Column(name = "from_status", nullable = false)
	String fromStatus;

	@Column(name = "to_status", nullable = false)
	String toStatus;

	@Column(name = "allowed_roles", nullable = false)
	String[] allowedRoles = new String[0];

	String target;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false)
	Rule.Mode mode = Rule.Mode.ENFORCE;

	@Column(nullable = false)
	boolean comment = true;

	@Column(name = "revert_on_deny", nullable = false)
	boolean revertOnDeny;

	@Column(name = "approval_required")
	Integer approvalRequired;

	@Column(name = "approval_roles")
	String[] approvalRoles;

	@Column(name = "approval_separation_of_duties")
	Boolean approvalSeparationOfDuties;

	@Column(name = "approval_expires_after")
	String approvalExpiresAfter;

	@Column(nullable = false)
	boolean enabled = true;

	@Version
	int version;

	@Column(name = "updated_at", nullable = false)
	Instant updatedAt = Instant.now();

	Rule record() {
		Rule.Approval approval = (this.approvalRequired == null) ? null
				: new Rule.Approval(this.approvalRequired,
						(this.approvalRoles != null) ? List.of(this.approvalRoles) : List.of(),
						Boolean.TRUE.equals(this.approvalSeparationOfDuties),
						(this.approvalExpiresAfter != null) ? Duration.parse(this.approvalExpiresAfter) : null);
		return new Rule(this.id, this.name, this.projectKey, List.of(this.issueTypes), this.fromStatus, this.toStatus,
				List.of(this.allowedRoles), this.target, this.mode, this.comment, this.revertOnDeny, approval,
				this.enabled);
	}

	void apply(Rule rule) {
		this.name = rule.name();
		this.projectKey = rule.projectKey();
		this.issueTypes = rule.issueTypes().toArray(String[]::new);
		this.fromStatus = rule.fromStatus();
		this.toStatus = rule.toStatus();
		this.allowedRoles = rule.allowedRoles().toArray(String[]::new);
		this.target = rule.target();
		this.mode = rule.mode();
		this.comment = rule.comment();
		this.revertOnDeny = rule.revertOnDeny();
		Rule.Approval approval = rule.approval();
		this.approvalRequired = (approval != null) ? approval.required() : null;
		this.approvalRoles = (approval != null) ? approval.approverRoles().toArray(String[]::new) : null;
		this.approvalSeparationOfDuties = (approval != null) ? approval.separationOfDuties() : null;
		this.approvalExpiresAfter = (approval != null && approval.expiresAfter() != null)
				? approval.expiresAfter().toString() : null;
		this.enabled = rule.enabled();
		this.updatedAt = Instant.now();
	}

}
