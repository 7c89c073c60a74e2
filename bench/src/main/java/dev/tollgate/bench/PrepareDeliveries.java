package dev.tollgate.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Prepares unique, correctly signed deliveries for {@code wrk} ({@code bench/wrk/deliveries.lua}),
 * so the load generator does no HMAC and no JSON while it measures: signing in Lua would make
 * {@code wrk} the bottleneck again.
 * <p>
 * {@code PrepareDeliveries SECRET ACTOR COUNT NONCE ID_BASE TEMPLATE_LUA DELIVERIES_TSV} writes
 * <ul>
 * <li>{@code TEMPLATE_LUA}: a Lua chunk returning the body template of {@link JiraTransition}
 * ({@code parts}, {@code kinds}), the actor and the timestamp, so Lua rebuilds each body byte
 * for byte;</li>
 * <li>{@code DELIVERIES_TSV}: one line per delivery, {@code deliveryId issueId signature}
 * (the changelog id is the issue id, as in {@link LoadGenerator}).</li>
 * </ul>
 * With {@code --unmatched} as an eighth argument the transition goes to "In Review" instead of
 * "Ready for Deploy", which the benchmark policy has no rule for.
 */
public final class PrepareDeliveries {

	private PrepareDeliveries() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 7 && !(args.length == 8 && "--unmatched".equals(args[7]))) {
			System.err.println(
					"usage: PrepareDeliveries SECRET ACTOR COUNT NONCE ID_BASE TEMPLATE_LUA DELIVERIES_TSV [--unmatched]");
			System.exit(2);
		}
		String secret = args[0];
		String actor = args[1];
		long count = Long.parseLong(args[2]);
		String nonce = args[3];
		long idBase = Long.parseLong(args[4]);
		long timestamp = System.currentTimeMillis();
		String[] parts = JiraTransition.parts();
		if (args.length == 8) {
			for (int i = 0; i < parts.length; i++) {
				parts[i] = parts[i].replace("Ready for Deploy", "In Review");
			}
		}
		String kinds = JiraTransition.kinds();
		writeTemplate(Path.of(args[5]), parts, kinds, actor, timestamp);
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		HexFormat hex = HexFormat.of();
		try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[6]), StandardCharsets.UTF_8)) {
			for (long n = 1; n <= count; n++) {
				String issueId = Long.toString(idBase + n);
				byte[] body = body(parts, kinds, issueId, actor, Long.toString(timestamp));
				String signature = "sha256=" + hex.formatHex(mac.doFinal(body));
				out.write("bench-" + nonce + "-" + n + "\t" + issueId + "\t" + signature + "\n");
			}
		}
	}

	/** What bench/wrk/deliveries.lua builds, byte for byte. */
	private static byte[] body(String[] parts, String kinds, String issueId, String actor, String timestamp) {
		StringBuilder sb = new StringBuilder(4400);
		for (int i = 0; i < kinds.length(); i++) {
			sb.append(parts[i]);
			sb.append(switch (kinds.charAt(i)) {
				case 'A' -> actor;
				case 'T' -> timestamp;
				default -> issueId; // I and C: the changelog id is the issue id
			});
		}
		return sb.append(parts[parts.length - 1]).toString().getBytes(StandardCharsets.UTF_8);
	}

	private static void writeTemplate(Path file, String[] parts, String kinds, String actor, long timestamp)
			throws IOException {
		StringBuilder lua = new StringBuilder("return {\n  parts = {\n");
		for (String part : parts) {
			lua.append("    ").append(luaString(part)).append(",\n");
		}
		lua.append("  },\n  kinds = ").append(luaString(kinds)).append(",\n");
		lua.append("  actor = ").append(luaString(actor)).append(",\n");
		lua.append("  timestamp = ").append(luaString(Long.toString(timestamp))).append(",\n}\n");
		Files.writeString(file, lua, StandardCharsets.UTF_8);
	}

	private static String luaString(String s) {
		StringBuilder out = new StringBuilder("\"");
		for (char c : s.toCharArray()) {
			switch (c) {
				case '\\' -> out.append("\\\\");
				case '"' -> out.append("\\\"");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20 || c > 0x7e) {
						throw new IllegalArgumentException("template is not printable ASCII: " + (int) c);
					}
					out.append(c);
				}
			}
		}
		return out.append('"').toString();
	}

}
