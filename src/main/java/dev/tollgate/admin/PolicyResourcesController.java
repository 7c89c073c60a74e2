package dev.tollgate.admin;

import java.net.URI;

import jakarta.validation.Valid;

import dev.tollgate.policy.BindingSpec;
import dev.tollgate.policy.PolicyStore;
import dev.tollgate.policy.RoleBinding;
import dev.tollgate.policy.RoleView;
import dev.tollgate.policy.Rule;
import dev.tollgate.policy.RuleSpec;
import dev.tollgate.policy.Target;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Roles, role bindings, targets and rules. Versions travel as ETags. */
@RestController
@RequestMapping("/api/v1")
class PolicyResourcesController {

	private final PolicyStore policy;

	PolicyResourcesController(PolicyStore policy) {
		this.policy = policy;
	}

	@GetMapping("/roles")
	Listing<RoleView> roles() {
		return Listing.of(this.policy.roles());
	}

	@PostMapping("/roles")
	ResponseEntity<RoleView> createRole(@Valid @RequestBody RoleView role,
			@AuthenticationPrincipal TokenPrincipal caller) {
		return created("/api/v1/roles/" + role.name(), this.policy.createRole(role, caller.auditName()));
	}

	@GetMapping("/roles/{name}")
	ResponseEntity<RoleView> role(@PathVariable String name) {
		return ok(this.policy.role(name));
	}

	@PutMapping("/roles/{name}")
	ResponseEntity<RoleView> updateRole(@PathVariable String name, @Valid @RequestBody RoleView role,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@AuthenticationPrincipal TokenPrincipal caller) {
		return ok(this.policy.updateRole(name, role, ETags.expected(ifMatch), caller.auditName()));
	}

	@DeleteMapping("/roles/{name}")
	ResponseEntity<Void> deleteRole(@PathVariable String name,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@AuthenticationPrincipal TokenPrincipal caller) {
		this.policy.deleteRole(name, ETags.expected(ifMatch), caller.auditName());
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/role-bindings")
	Listing<RoleBinding> bindings() {
		return Listing.of(this.policy.bindings());
	}

	@PostMapping("/role-bindings")
	ResponseEntity<RoleBinding> createBinding(@Valid @RequestBody BindingSpec binding,
			@AuthenticationPrincipal TokenPrincipal caller) {
		RoleBinding created = this.policy.createBinding(binding, caller.auditName());
		return ResponseEntity.created(URI.create("/api/v1/role-bindings/" + created.id())).body(created);
	}

	@GetMapping("/role-bindings/{id}")
	RoleBinding binding(@PathVariable long id) {
		return this.policy.binding(id);
	}

	@DeleteMapping("/role-bindings/{id}")
	ResponseEntity<Void> deleteBinding(@PathVariable long id, @AuthenticationPrincipal TokenPrincipal caller) {
		this.policy.deleteBinding(id, caller.auditName());
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/targets")
	Listing<Target> targets() {
		return Listing.of(this.policy.targets());
	}

	@PostMapping("/targets")
	ResponseEntity<Target> createTarget(@Valid @RequestBody Target target,
			@AuthenticationPrincipal TokenPrincipal caller) {
		return created("/api/v1/targets/" + target.name(), this.policy.createTarget(target, caller.auditName()));
	}

	@GetMapping("/targets/{name}")
	ResponseEntity<Target> target(@PathVariable String name) {
		return ok(this.policy.target(name));
	}

	@PutMapping("/targets/{name}")
	ResponseEntity<Target> updateTarget(@PathVariable String name, @Valid @RequestBody Target target,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@AuthenticationPrincipal TokenPrincipal caller) {
		return ok(this.policy.updateTarget(name, target, ETags.expected(ifMatch), caller.auditName()));
	}

	@DeleteMapping("/targets/{name}")
	ResponseEntity<Void> deleteTarget(@PathVariable String name,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@AuthenticationPrincipal TokenPrincipal caller) {
		this.policy.deleteTarget(name, ETags.expected(ifMatch), caller.auditName());
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/rules")
	Listing<Rule> rules() {
		return Listing.of(this.policy.rules());
	}

	@PostMapping("/rules")
	ResponseEntity<Rule> createRule(@Valid @RequestBody RuleSpec rule, @AuthenticationPrincipal TokenPrincipal caller) {
		PolicyStore.Versioned<Rule> created = this.policy.createRule(rule, caller.auditName());
		return created("/api/v1/rules/" + created.value().id(), created);
	}

	// {id} is a rule's id or its name: names are what people type (docs/policy.md).
	@GetMapping("/rules/{id}")
	ResponseEntity<Rule> rule(@PathVariable String id) {
		return ok(this.policy.rule(this.policy.ruleId(id)));
	}

	@PutMapping("/rules/{id}")
	ResponseEntity<Rule> updateRule(@PathVariable String id, @Valid @RequestBody RuleSpec rule,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@AuthenticationPrincipal TokenPrincipal caller) {
		return ok(this.policy.updateRule(this.policy.ruleId(id), rule, ETags.expected(ifMatch), caller.auditName()));
	}

	@DeleteMapping("/rules/{id}")
	ResponseEntity<Void> deleteRule(@PathVariable String id,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@AuthenticationPrincipal TokenPrincipal caller) {
		this.policy.deleteRule(this.policy.ruleId(id), ETags.expected(ifMatch), caller.auditName());
		return ResponseEntity.noContent().build();
	}

	static <T> ResponseEntity<T> ok(PolicyStore.Versioned<T> versioned) {
		return ResponseEntity.ok().eTag(ETags.of(versioned.version())).body(versioned.value());
	}

	static <T> ResponseEntity<T> created(String location, PolicyStore.Versioned<T> versioned) {
		return ResponseEntity.created(URI.create(location)).eTag(ETags.of(versioned.version())).body(versioned.value());
	}

}
