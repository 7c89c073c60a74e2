package dev.tollgate.policy;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

/**
 * A rule as the admin API and policy documents write it; absent flags take their defaults
 * ({@code enabled} and {@code comment} true, {@code revertOnDeny} false, mode
 * {@code ENFORCE}).
 */
// The id the API answers with may come back in a read-modify-write; it is not an input.
@com.fasterxml.jackson.annotation.JsonIgnoreProperties({ "id" })
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleSpec(@NotBlank @Size(max = 200) String name, @NotBlank @Size(max = 50) String projectKey,
		@Size(max = 50) List<@NotBlank @Size(max = 200) String> issueTypes,
		@NotBlank @Size(max = 200) String fromStatus, @NotBlank @Size(max = 200) String toStatus,
		@Size(max = 50) List<@NotBlank String> allowedRoles, @Size(max = 100) String target, Rule.Mode mode,
		Boolean comment, Boolean revertOnDeny, @Valid ApprovalSpec approval, Boolean enabled) {

	/**
	 * @param separationOfDuties defaults to true: the actor cannot approve their own
	 * transition
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record ApprovalSpec(@Min(1) @Max(20) int required, @NotEmpty List<@NotBlank String> approverRoles,
			Boolean separationOfDuties, Duration expiresAfter) {
	}

	Rule toRule(long id) {
		Rule.Approval gate = (this.approval == null) ? null
				: new Rule.Approval(this.approval.required(), stripped(this.approval.approverRoles()),
						!Boolean.FALSE.equals(this.approval.separationOfDuties()), this.approval.expiresAfter());
		return new Rule(id, this.name.strip(), this.projectKey.strip(), this.issueTypes, this.fromStatus.strip(),
				this.toStatus.strip(), stripped(this.allowedRoles), blankToNull(this.target), this.mode,
				!Boolean.FALSE.equals(this.comment), Boolean.TRUE.equals(this.revertOnDeny), gate,
				!Boolean.FALSE.equals(this.enabled));
	}

	static RuleSpec of(Rule rule) {
		ApprovalSpec approval = (rule.approval() == null) ? null : new ApprovalSpec(rule.approval().required(),
				rule.approval().approverRoles(), rule.approval().separationOfDuties(), rule.approval().expiresAfter());
		return new RuleSpec(rule.name(), rule.projectKey(), rule.issueTypes(), rule.fromStatus(), rule.toStatus(),
				rule.allowedRoles(), rule.target(), rule.mode(), rule.comment(), rule.revertOnDeny(), approval,
				rule.enabled());
	}

	/**
	 * Role names as stored, so that every later comparison (votes, role deletion) sees
	 * the name.
	 */
	private static List<String> stripped(List<String> roles) {
		return (roles != null) ? roles.stream().map((role) -> (role != null) ? role.strip() : null).toList() : null;
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

}
