package dev.tollgate.admin;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.tollgate.policy.PolicyProblems;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /tokens}: created tokens are shown once and stored hashed. */
@RestController
@RequestMapping("/api/v1/tokens")
class TokenController {

	private final ApiTokens tokens;

	TokenController(ApiTokens tokens) {
		this.tokens = tokens;
	}

	record CreateToken(@NotBlank @Size(max = 100) String name,
			@NotEmpty List<@NotNull @Pattern(regexp = "(?i)admin|auditor|approver",
					message = "must be admin, auditor or approver") String> scopes,
			@Size(max = 128) String accountId, Instant expiresAt) {
	}

	@PostMapping
	ResponseEntity<ApiTokens.Created> create(@Valid @RequestBody CreateToken request,
			@AuthenticationPrincipal TokenPrincipal caller) {
		boolean approver = request.scopes().stream().anyMatch("approver"::equalsIgnoreCase);
		if (approver && (request.accountId() == null || request.accountId().isBlank())) {
			throw new PolicyProblems.Rejected(List.of(new PolicyProblems.FieldProblem("accountId",
					"is required for an approver token: it is the Jira account that votes")));
		}
		InvalidField.instant("expiresAt", request.expiresAt());
		if (request.expiresAt() != null && !request.expiresAt().isAfter(Instant.now())) {
			throw new PolicyProblems.Rejected(
					List.of(new PolicyProblems.FieldProblem("expiresAt", "must be in the future")));
		}
		ApiTokens.Created created = this.tokens.create(request.name(), request.scopes(), request.accountId(),
				request.expiresAt(), caller.auditName());
		return ResponseEntity.created(URI.create("/api/v1/tokens/" + created.id())).body(created);
	}

	@GetMapping
	Listing<ApiTokens.TokenView> list() {
		return Listing.of(this.tokens.list());
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@PathVariable long id, @AuthenticationPrincipal TokenPrincipal caller) {
		this.tokens.delete(id, caller.auditName());
		return ResponseEntity.noContent().build();
	}

}
