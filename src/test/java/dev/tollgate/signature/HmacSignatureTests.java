package dev.tollgate.signature;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class HmacSignatureTests {

	private static final byte[] BODY = "{\"webhookEvent\":\"jira:issue_updated\"}".getBytes(StandardCharsets.UTF_8);

	private final HmacSignature signature = HmacSignature.of(List.of("first-secret", "second-secret"));

	@Test
	void knownAnswerVectors() throws Exception {
		try (InputStream in = getClass().getResourceAsStream("signature-vectors.json")) {
			JsonNode vectors = JsonMapper.builder().build().readTree(in);
			assertThat(vectors.size()).isPositive();
			for (JsonNode vector : vectors) {
				HmacSignature verifier = HmacSignature.of(List.of(vector.get("secret").asString()));
				assertThat(verifier.matches(vector.get("signature").asString(),
						vector.get("body").asString().getBytes(StandardCharsets.UTF_8)))
					.as(vector.toString())
					.isTrue();
			}
		}
	}

	/** GitHub's documented example for X-Hub-Signature-256, which gates verify too. */
	@Test
	void gitHubsDocumentedExampleVerifies() {
		HmacSignature verifier = HmacSignature.of(List.of("It's a Secret to Everybody"));
		byte[] payload = "Hello, World!".getBytes(StandardCharsets.UTF_8);
		String documented = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
		assertThat(verifier.matches(documented, payload)).isTrue();
		assertThat(HmacSignature.sign("It's a Secret to Everybody", payload)).isEqualTo(documented);
		assertThat(verifier.matches(documented, "Hello, World?".getBytes(StandardCharsets.UTF_8))).isFalse();
	}

	@Test
	void verifySaysWhatIsWrongWithTheHeader() {
		String valid = HmacSignature.sign("second-secret", BODY);
		assertThat(this.signature.verify(valid, BODY)).isEqualTo(HmacSignature.Verdict.VALID);
		assertThat(this.signature.verify(null, BODY)).isEqualTo(HmacSignature.Verdict.MISSING);
		assertThat(this.signature.verify("  ", BODY)).isEqualTo(HmacSignature.Verdict.MISSING);
		assertThat(this.signature.verify(valid.substring(7), BODY)).isEqualTo(HmacSignature.Verdict.NOT_SHA256);
		assertThat(this.signature.verify("sha1=" + valid.substring(7), BODY))
			.isEqualTo(HmacSignature.Verdict.NOT_SHA256);
		assertThat(this.signature.verify("SHA256=" + valid.substring(7), BODY)).isEqualTo(HmacSignature.Verdict.VALID);
		assertThat(this.signature.verify("sha256=" + "z".repeat(64), BODY)).isEqualTo(HmacSignature.Verdict.MALFORMED);
		assertThat(this.signature.verify(HmacSignature.sign("other", BODY), BODY))
			.isEqualTo(HmacSignature.Verdict.NO_MATCH);
		assertThat(HmacSignature.Verdict.NOT_SHA256.describe("X-Hub-Signature")).contains("X-Hub-Signature")
			.contains("'sha256='");
	}

	@Test
	void signIsTheDocumentedFormat() {
		assertThat(HmacSignature.sign("It's a Secret to Everybody", "Hello World!".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo("sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9");
	}

	@Test
	void acceptsTheFirstSecret() {
		assertThat(this.signature.matches(HmacSignature.sign("first-secret", BODY), BODY)).isTrue();
	}

	@Test
	void acceptsTheSecondSecretDuringRotation() {
		assertThat(this.signature.matches(HmacSignature.sign("second-secret", BODY), BODY)).isTrue();
	}

	@Test
	void rejectsAWrongSecret() {
		assertThat(this.signature.matches(HmacSignature.sign("third-secret", BODY), BODY)).isFalse();
	}

	@Test
	void rejectsAMissingHeader() {
		assertThat(this.signature.matches(null, BODY)).isFalse();
	}

	@Test
	void rejectsADigestWithoutPrefix() {
		String hexOnly = HmacSignature.sign("first-secret", BODY).substring("sha256=".length());
		assertThat(this.signature.matches(hexOnly, BODY)).isFalse();
	}

	@Test
	void rejectsAnotherMethod() {
		String digest = HmacSignature.sign("first-secret", BODY).substring("sha256=".length());
		assertThat(this.signature.matches("sha1=" + digest, BODY)).isFalse();
		assertThat(this.signature.matches("sha512=" + digest, BODY)).isFalse();
	}

	@Test
	void tellsAnotherMethodFromAMalformedOrWrongSignature() {
		String valid = HmacSignature.sign("first-secret", BODY);
		String digest = valid.substring("sha256=".length());
		assertThat(HmacSignature.namesAnotherMethod("sha1=" + digest)).isTrue();
		assertThat(HmacSignature.namesAnotherMethod(" SHA512=" + digest + " ")).isTrue();
		assertThat(HmacSignature.namesAnotherMethod(valid)).isFalse();
		assertThat(HmacSignature.namesAnotherMethod("SHA256=" + "0".repeat(64))).isFalse();
		assertThat(HmacSignature.namesAnotherMethod("sha256=short")).isFalse();
		assertThat(HmacSignature.namesAnotherMethod(digest)).isFalse();
		assertThat(HmacSignature.namesAnotherMethod("sha1=")).isFalse();
		assertThat(HmacSignature.namesAnotherMethod("a b=c")).isFalse();
		assertThat(HmacSignature.namesAnotherMethod(null)).isFalse();
	}

	@Test
	void rejectsAnEmptyDigest() {
		assertThat(this.signature.matches("sha256=", BODY)).isFalse();
	}

	@Test
	void rejectsANonHexDigest() {
		String valid = HmacSignature.sign("first-secret", BODY);
		String nonHex = valid.substring(0, valid.length() - 1) + "g";
		assertThat(this.signature.matches(nonHex, BODY)).isFalse();
	}

	@Test
	void rejectsATruncatedDigest() {
		String valid = HmacSignature.sign("first-secret", BODY);
		assertThat(this.signature.matches(valid.substring(0, valid.length() - 2), BODY)).isFalse();
	}

	@Test
	void rejectsABodyWithOneByteChanged() {
		String valid = HmacSignature.sign("first-secret", BODY);
		byte[] tampered = BODY.clone();
		tampered[5] ^= 0x01;
		assertThat(this.signature.matches(valid, tampered)).isFalse();
	}

	@Test
	void anEmptyBodyVerifiesOnlyWithItsOwnSignature() {
		byte[] empty = new byte[0];
		assertThat(this.signature.matches(HmacSignature.sign("first-secret", empty), empty)).isTrue();
		assertThat(this.signature.matches(HmacSignature.sign("first-secret", BODY), empty)).isFalse();
	}

	@Test
	void withoutSecretsNothingVerifies() {
		HmacSignature none = HmacSignature.of(List.of("", "  "));
		assertThat(none.hasSecrets()).isFalse();
		assertThat(none.matches(HmacSignature.sign(" ", BODY), BODY)).isFalse();
	}

	@Test
	void toStringHidesTheSecrets() {
		assertThat(this.signature.toString()).doesNotContain("first-secret").doesNotContain("second-secret");
	}

}
