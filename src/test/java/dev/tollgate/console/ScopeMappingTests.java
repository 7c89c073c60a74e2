package dev.tollgate.console;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ScopeMappingTests {

	private final ScopeMapping mapping = ScopeMapping
		.parse("admin=platform-admins, auditor=auditors,approver=release-approvers,auditor=platform-admins");

	@Test
	void groupsFromAListGrantTheirScopes() {
		assertThat(this.mapping.scopesFor(List.of("release-approvers", "staff"))).containsExactly("approver");
		assertThat(this.mapping.scopesFor(List.of("platform-admins"))).containsExactly("admin", "auditor");
	}

	@Test
	void keycloakFullGroupPathsMatchToo() {
		assertThat(this.mapping.scopesFor(List.of("/auditors"))).containsExactly("auditor");
	}

	@Test
	void aSpaceOrCommaSeparatedStringIsAListOfGroups() {
		assertThat(this.mapping.scopesFor("auditors release-approvers")).containsExactly("approver", "auditor");
	}

	@Test
	void nothingMappedGrantsNothing() {
		assertThat(this.mapping.scopesFor(List.of("marketing", "Platform-Admins"))).isEmpty();
		assertThat(this.mapping.scopesFor(null)).isEmpty();
		assertThat(this.mapping.scopesFor(42)).isEmpty();
		assertThat(ScopeMapping.parse(null).scopesFor(List.of("platform-admins"))).isEmpty();
	}

	@Test
	void aTypoStopsTheStartNamingThePair() {
		assertThatIllegalArgumentException().isThrownBy(() -> ScopeMapping.parse("admin=ops,superuser=root"))
			.withMessageContaining("'superuser=root'");
		assertThatIllegalArgumentException().isThrownBy(() -> ScopeMapping.parse("admin="));
	}

}
