package dev.tollgate.webhook;

import dev.tollgate.signature.HmacSignature;
import java.net.http.HttpResponse;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.support.WebhookSender;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook endpoint over real HTTP with seeded random and mutated bodies and headers:
 * nothing ever gets a 5xx, nothing unsigned gets past the signature, and what is signed
 * is either acknowledged or refused with problem+json. About 250 requests; the seed is in
 * each case's name and in every failure message.
 */
class HostileDeliveryPropertyTests extends HostileEndpointTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private JdbcClient jdbc;

	static Stream<Long> unsignedSeeds() {
		return HostileInputs.seeds(30_000, 100);
	}

	static Stream<Long> signedSeeds() {
		return HostileInputs.seeds(40_000, 150);
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("unsignedSeeds")
	void wronglySignedRandomDeliveriesAre401AndNeverParsed(long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		byte[] body = HostileInputs.randomBody(random);
		String deliveryId = "hostile-" + seed + "-" + Long.toHexString(random.nextLong());
		String signature = switch (random.nextInt(3)) {
			case 0 -> sendable(HostileInputs.wrongSignature(random, HmacSignature.sign(SECRET, body)), body);
			case 1 -> HmacSignature.sign("not-" + SECRET, body);
			default -> null;
		};
		HttpResponse<String> response = sendSafely(seed, body, deliveryId, signature);
		assertThat(response.statusCode()).as("seed %d: %s", seed, response.body()).isEqualTo(401);
		assertProblemJson(seed, response);
		assertThat(count("SELECT count(*) FROM tollgate.delivery WHERE delivery_id = ?", deliveryId))
			.as("seed %d", seed)
			.isZero();
		assertThat(
				count("SELECT count(*) FROM tollgate.audit_event WHERE type = 'WEBHOOK_MALFORMED' AND delivery_id = ?",
						deliveryId))
			.as("seed %d: parsed although unsigned", seed)
			.isZero();
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("signedSeeds")
	void signedRandomDeliveriesAreAcknowledgedOrRefusedNeverA5xx(long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		byte[] body = HostileInputs.randomBody(random);
		String deliveryId = "hostile-" + seed + "-" + Long.toHexString(random.nextLong());
		HttpResponse<String> response = sendSafely(seed, body, deliveryId, HmacSignature.sign(SECRET, body));
		int status = response.statusCode();
		assertThat(status).as("seed %d: %s", seed, response.body()).isIn(200, 202, 400);
		if (status == 400) {
			assertProblemJson(seed, response);
			assertThat(count(
					"SELECT count(*) FROM tollgate.audit_event WHERE type = 'WEBHOOK_MALFORMED' AND delivery_id = ?",
					deliveryId))
				.as("seed %d", seed)
				.isEqualTo(1);
		}
		else {
			assertThat(json.readTree(response.body()).path("status").asString()).as("seed %d", seed)
				.isIn("QUEUED", "IGNORED", "DUPLICATE");
		}
	}

	/**
	 * What an HTTP client can put in a header (visible ASCII and blanks; raw CR/LF and
	 * controls are covered by {@link HostileInputTests} over a raw socket), and still not
	 * the right signature.
	 */
	private static String sendable(String header, byte[] body) {
		String printable = header.replaceAll("[^\\x20-\\x7e]", "").strip();
		return HostileInputs.sameSignature(printable, HmacSignature.sign(SECRET, body)) ? printable + "0" : printable;
	}

	private HttpResponse<String> sendSafely(long seed, byte[] body, String deliveryId, String signature) {
		try {
			return new WebhookSender(this.port, SECRET).send(body, deliveryId, signature);
		}
		catch (RuntimeException ex) {
			throw new AssertionError("seed " + seed + ": no answer", ex);
		}
	}

	private static void assertProblemJson(long seed, HttpResponse<String> response) {
		assertThat(response.headers().firstValue("Content-Type")).as("seed %d", seed)
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
	}

	private long count(String sql, Object param) {
		return this.jdbc.sql(sql).param(param).query(Long.class).single();
	}

}
