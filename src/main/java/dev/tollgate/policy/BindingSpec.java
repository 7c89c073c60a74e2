package dev.tollgate.policy;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A role binding to create (the API answers with {@link RoleBinding}, which adds the id).
 */
// The id the API answers with may come back in a read-modify-write; it is not an input.
@com.fasterxml.jackson.annotation.JsonIgnoreProperties({ "id" })
public record BindingSpec(@NotBlank String role, @NotNull RoleBinding.SubjectType subjectType,
		@NotBlank @Size(max = 255) String subject, @Size(max = 50) String projectKey) {

	static BindingSpec of(RoleBinding binding) {
		return new BindingSpec(binding.role(), binding.subjectType(), binding.subject(), binding.projectKey());
	}

	boolean sameAs(RoleBinding binding) {
		return this.role.equalsIgnoreCase(binding.role()) && this.subjectType == binding.subjectType()
				&& this.subject.equals(binding.subject())
				&& java.util.Objects.equals(upper(this.projectKey), upper(binding.projectKey()));
	}

	private static String upper(String value) {
		return (value == null || value.isBlank()) ? null : value.strip().toUpperCase(java.util.Locale.ROOT);
	}

}
