package dev.tollgate.admin;

import java.util.Locale;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import dev.tollgate.gate.GateReview;
import dev.tollgate.gate.GateReviewQuery;
import dev.tollgate.policy.Gate;
import dev.tollgate.policy.PolicyStore;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Gates (docs/gates.md) and their reviews. Gates are policy: versioned by ETag and
 * audited as {@code POLICY_CHANGED} like targets.
 */
@RestController
@RequestMapping("/api/v1/gates")
@Validated
class GatesController {

	private final PolicyStore policy;

	private final GateReviewQuery reviews;

	GatesController(PolicyStore policy, GateReviewQuery reviews) {
		this.policy = policy;
		this.reviews = reviews;
	}

	@GetMapping
	Listing<Gate> gates() {
		return Listing.of(this.policy.gates());
	}

	@PostMapping
	ResponseEntity<Gate> create(@Valid @RequestBody Gate gate, @AuthenticationPrincipal TokenPrincipal caller) {
		return PolicyResourcesController.created("/api/v1/gates/" + gate.name(),
				this.policy.createGate(gate, caller.auditName()));
	}

	/**
	 * @param status {@code WAITING}, {@code APPROVED} or {@code REJECTED}; all when
	 * absent
	 */
	@GetMapping("/reviews")
	Listing<GateReview> reviews(@RequestParam(required = false) String status,
			@RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
		GateReview.Status wanted = null;
		if (status != null && !status.isBlank()) {
			try {
				wanted = GateReview.Status.valueOf(status.strip().toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidField("status", "must be one of WAITING, APPROVED, REJECTED");
			}
		}
		return Listing.of(this.reviews.list(wanted, limit));
	}

	@GetMapping("/{name}")
	ResponseEntity<Gate> gate(@PathVariable String name) {
		return PolicyResourcesController.ok(this.policy.gate(name));
	}

	@PutMapping("/{name}")
	ResponseEntity<Gate> update(@PathVariable String name, @Valid @RequestBody Gate gate,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@AuthenticationPrincipal TokenPrincipal caller) {
		return PolicyResourcesController
			.ok(this.policy.updateGate(name, gate, ETags.expected(ifMatch), caller.auditName()));
	}

	@DeleteMapping("/{name}")
	ResponseEntity<Void> delete(@PathVariable String name,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@AuthenticationPrincipal TokenPrincipal caller) {
		this.policy.deleteGate(name, ETags.expected(ifMatch), caller.auditName());
		return ResponseEntity.noContent().build();
	}

}
