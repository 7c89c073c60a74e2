package dev.tollgate.audit;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The canonical encoding (docs/audit.md): a golden vector an auditor can reproduce with
 * the Python snippet there, unambiguous field boundaries, and RFC 4180 quoting of the CSV
 * export.
 */
class AuditChainTests {

	private static final String[] ROW = { "1", "2025-01-02T03:04:05.123456Z", "DECISION", "ALLOWED",
			"Alice may deploy, \"quoted\"\nnew line \u00e9", "d-1", "OPS-1", "10001", "OPS", "Story", "acc-1",
			"In Progress", "Done", "7", "prod deploy", "deploy-prod", null, "false",
			"3f1c2b9e-0000-4000-8000-000000000001", "{\"a\": 1}" };

	@Test
	void goldenVectorMatchesTheDocumentedEncoding() {
		String first = AuditChain.hash(AuditChain.GENESIS, 0, null, new AuditChain.Row(1, ROW));
		assertThat(first).isEqualTo("d82a07ad23817904c7fc176b13e7e97a283d3dd27ab7135a905ab04cf55a9e13");
		String[] third = ROW.clone();
		third[0] = "3";
		// Event 3 after event 1, with id 2 recorded as never committed.
		assertThat(AuditChain.hash(first, 1, 2L, new AuditChain.Row(3, third)))
			.isEqualTo("5e5d97e5e4364e2eac8a784aa0f5a9bfa284d435163f62d467a10316ecc1ed71");
	}

	@Test
	void everyFieldAndTheLinkChangeTheHash() {
		Set<String> hashes = new HashSet<>();
		hashes.add(AuditChain.hash(AuditChain.GENESIS, 0, null, new AuditChain.Row(1, ROW)));
		for (int i = 0; i < ROW.length; i++) {
			String[] changed = ROW.clone();
			changed[i] = (ROW[i] != null) ? ROW[i] + "x" : "";
			hashes.add(AuditChain.hash(AuditChain.GENESIS, 0, null, new AuditChain.Row(1, changed)));
		}
		hashes.add(AuditChain.hash("1".repeat(64), 0, null, new AuditChain.Row(1, ROW)));
		hashes.add(AuditChain.hash(AuditChain.GENESIS, 5, null, new AuditChain.Row(1, ROW)));
		hashes.add(AuditChain.hash(AuditChain.GENESIS, 0, 1L, new AuditChain.Row(1, ROW)));
		assertThat(hashes).hasSize(ROW.length + 4);
	}

	@Test
	void fieldBoundariesAndNullsAreUnambiguous() {
		String[] a = ROW.clone();
		String[] b = ROW.clone();
		a[5] = "ab";
		a[6] = "c";
		b[5] = "a";
		b[6] = "bc";
		assertThat(AuditChain.hash(AuditChain.GENESIS, 0, null, new AuditChain.Row(1, a)))
			.isNotEqualTo(AuditChain.hash(AuditChain.GENESIS, 0, null, new AuditChain.Row(1, b)));
		String[] empty = ROW.clone();
		empty[16] = "";
		assertThat(AuditChain.hash(AuditChain.GENESIS, 0, null, new AuditChain.Row(1, empty)))
			.isNotEqualTo(AuditChain.hash(AuditChain.GENESIS, 0, null, new AuditChain.Row(1, ROW)));
	}

	@Test
	void timestampsHaveMicrosecondsInUtc() {
		assertThat(AuditChain.timestamp(Instant.parse("2025-01-02T03:04:05Z")))
			.isEqualTo("2025-01-02T03:04:05.000000Z");
		assertThat(AuditChain.timestamp(Instant.parse("2025-01-02T03:04:05.1234567Z")))
			.isEqualTo("2025-01-02T03:04:05.123456Z");
	}

	@Test
	void csvFieldsAreQuotedPerRfc4180() {
		assertThat(List.of(AuditQuery.csvField(null), AuditQuery.csvField("plain"), AuditQuery.csvField("a,b"),
				AuditQuery.csvField("say \"hi\""), AuditQuery.csvField("two\nlines"), AuditQuery.csvField("cr\r"),
				AuditQuery.csvField(42L)))
			.containsExactly("", "plain", "\"a,b\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"", "\"cr\r\"", "42");
	}

	@Test
	void exportFormatsAreParsedStrictly() {
		assertThat(AuditQuery.ExportFormat.parse("ndjson")).isEqualTo(AuditQuery.ExportFormat.NDJSON);
		assertThat(AuditQuery.ExportFormat.parse(" CSV ")).isEqualTo(AuditQuery.ExportFormat.CSV);
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> AuditQuery.ExportFormat.parse("xml"));
	}

}
