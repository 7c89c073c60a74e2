package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every third-party action in the workflows is pinned to a full commit SHA with the
 * release it stands for in a comment ({@code uses: owner/repo@<40 hex> # v1.2.3}). A tag
 * such as {@code @v5} can be moved to other code by whoever controls the action's
 * repository, and the release workflow holds registry credentials. Dependabot's
 * github-actions updates rewrite both the SHA and the comment.
 */
class WorkflowActionPinsTests {

	private static final Pattern USES = Pattern.compile("^\\s*(?:-\\s*)?uses:\\s*(\\S+)(.*)$");

	private static final Pattern PINNED = Pattern.compile("[\\w.-]+/[\\w./-]+@[0-9a-f]{40}");

	private static final Pattern RELEASE_COMMENT = Pattern.compile("\\s+# v\\d+\\.\\d+\\.\\d+\\s*");

	@Test
	void everyActionIsPinnedToACommitWithItsRelease() throws IOException {
		List<String> unpinned = new ArrayList<>();
		try (Stream<Path> workflows = Files.list(NodeScript.ROOT.resolve(".github/workflows"))) {
			for (Path workflow : workflows.filter((path) -> path.toString().endsWith(".yml")).sorted().toList()) {
				unpinned.addAll(unpinned(workflow.getFileName().toString(), Files.readString(workflow)));
			}
		}

		assertThat(unpinned).isEmpty();
	}

	@Test
	void aMovableTagOrAMissingReleaseCommentIsFound() {
		String workflow = """
				steps:
				  - uses: actions/checkout@v5
				  - uses: actions/setup-java@dded0888837ed1f317902acf8a20df0ad188d165
				  - uses: actions/setup-node@a0853c24544627f65ddf259abe73b1d18a591444 # v5.0.0
				  - uses: ./.github/actions/local
				""";

		assertThat(unpinned("ci.yml", workflow)).containsExactly("ci.yml:2: actions/checkout@v5",
				"ci.yml:3: actions/setup-java@dded0888837ed1f317902acf8a20df0ad188d165");
	}

	/**
	 * Lines whose action is not pinned; actions of this repository ({@code ./…}) need no
	 * pin.
	 */
	private static List<String> unpinned(String file, String text) {
		List<String> found = new ArrayList<>();
		String[] lines = text.split("\n", -1);
		for (int i = 0; i < lines.length; i++) {
			Matcher uses = USES.matcher(lines[i]);
			if (!uses.matches() || uses.group(1).startsWith("./")) {
				continue;
			}
			if (!PINNED.matcher(uses.group(1)).matches() || !RELEASE_COMMENT.matcher(uses.group(2)).matches()) {
				found.add(file + ":" + (i + 1) + ": " + uses.group(1));
			}
		}
		return found;
	}

}
