package dev.tollgate.webhook;

import dev.tollgate.signature.HmacSignature;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of {@link HmacSignature} with Jazzer: for any header and body,
 * the verifier never throws, and it accepts exactly the headers that are the correct
 * signature up to surrounding blanks and ASCII case. Regression inputs are in
 * {@code src/test/resources/dev/tollgate/webhook/HmacSignatureFuzzTestsInputs/}.
 */
class HmacSignatureFuzzTests {

	private static final String SECRET = "fuzz-secret";

	private static final HmacSignature verifier = HmacSignature.of(List.of("other-secret", SECRET));

	@FuzzTest(maxDuration = "2m")
	void matches(FuzzedDataProvider data) {
		boolean forge = data.consumeBoolean();
		String header = data.consumeString(200);
		byte[] body = data.consumeRemainingAsBytes();
		String valid = HmacSignature.sign(SECRET, body);
		if (forge && header.length() > 0) {
			// Start from the right signature and let the fuzzer change one character of
			// it.
			int at = header.charAt(0) % valid.length();
			header = valid.substring(0, at) + header.substring(1, Math.min(header.length(), 2))
					+ valid.substring(at + 1);
		}
		assertThat(verifier.matches(header, body)).as(header).isEqualTo(HostileInputs.sameSignature(header, valid));
		assertThat(verifier.matches(valid, body)).isTrue();
	}

}
