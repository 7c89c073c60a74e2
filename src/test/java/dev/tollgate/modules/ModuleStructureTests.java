package dev.tollgate.modules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.tollgate.TollgateApplication;
import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module boundaries: each top-level package under {@code dev.tollgate} is a module,
 * may use only the modules its {@code package-info.java} allows, only through their
 * top-level package (sub-packages are internal), and no cycle. The diagrams in
 * {@code docs/modules/} are drawn from the same model, and this test fails when the
 * committed ones no longer match the code.
 */
class ModuleStructureTests {

	private static final Path COMMITTED = Path.of("docs", "modules");

	private static final Path GENERATED = Path.of("target", "spring-modulith-docs");

	private static final ApplicationModules modules = ApplicationModules.of(TollgateApplication.class);

	@Test
	void dependenciesStayWithinTheAllowedOnes() {
		modules.verify();
	}

	/**
	 * To redraw after changing a dependency:
	 * {@code ./mvnw test -Dtest=ModuleStructureTests -Dtollgate.modules.write=true}.
	 */
	@Test
	void committedDiagramsMatchTheCode() throws IOException {
		boolean write = Boolean.getBoolean("tollgate.modules.write");
		Path folder = write ? COMMITTED : GENERATED;
		new Documenter(modules, Documenter.Options.defaults().withOutputFolder(folder.toString()))
			.writeModulesAsPlantUml()
			.writeIndividualModulesAsPlantUml();
		assertThat(diagrams(COMMITTED)).as("the diagrams in %s; redraw them (see this test's comment)", COMMITTED)
			.containsExactlyInAnyOrderElementsOf(diagrams(folder));
		for (Path name : diagrams(folder)) {
			assertThat(statements(COMMITTED.resolve(name))).as("%s is stale; redraw it (see this test's comment)", name)
				.containsExactlyInAnyOrderElementsOf(statements(folder.resolve(name)));
		}
	}

	/**
	 * The Documenter writes the same relations in a different order from one run to the
	 * next, so a diagram is compared as the multiset of its lines, which is what it
	 * draws.
	 */
	private static List<String> statements(Path diagram) throws IOException {
		return Files.readAllLines(diagram).stream().map(String::strip).filter((line) -> !line.isEmpty()).toList();
	}

	private static List<Path> diagrams(Path folder) throws IOException {
		if (!Files.isDirectory(folder)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(folder)) {
			return files.map(Path::getFileName).filter((name) -> name.toString().endsWith(".puml")).toList();
		}
	}

}
