package dev.tollgate.policy;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A Tollgate role, as the admin API reads and writes it. */
public record RoleView(@NotBlank @Pattern(regexp = PolicyNames.NAME, message = PolicyNames.NAME_MESSAGE) String name,
		@Size(max = 1000) String description) {
}
