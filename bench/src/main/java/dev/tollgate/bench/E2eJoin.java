package dev.tollgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.HdrHistogram.Histogram;

/**
 * Webhook-to-trigger latency for scenario (c): joins the load generator's {@code --sends} file
 * ({@code issueId sendEpochMicros status}) with the stub CI's {@code /__triggers} dump
 * ({@code arrivalEpochMicros issueId decisionId}) on the issue id, and prints one JSON object with
 * p50/p90/p99/p99.9/max in ms and the counts that show whether the join is complete.
 * <p>
 * Only sends answered 2xx count. The send time is the intended one (open loop), so a late send is
 * charged to the latency. The stub's clock and the load generator's are the same machine's wall clock.
 * <p>
 * Usage: {@code java -cp tollgate-bench.jar dev.tollgate.bench.E2eJoin <sends.tsv> <triggers.tsv> [label]}
 */
public final class E2eJoin {

	private E2eJoin() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length < 2) {
			System.err.println("usage: E2eJoin <sends.tsv> <triggers.tsv> [label]");
			System.exit(2);
		}
		Map<String, Long> sentAt = new HashMap<>();
		long sends = 0;
		for (String line : lines(Path.of(args[0]))) {
			String[] f = line.split("\t");
			int status = Integer.parseInt(f[2]);
			sends++;
			if (status >= 200 && status < 300) {
				sentAt.put(f[0], Long.parseLong(f[1]));
			}
		}
		Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(600), 3);
		Map<String, Integer> triggeredIssues = new HashMap<>();
		long negative = 0;
		for (String line : lines(Path.of(args[1]))) {
			String[] f = line.split("\t", -1);
			Long sent = sentAt.get(f[1]);
			if (sent == null) {
				continue; // a trigger from another scenario
			}
			if (triggeredIssues.merge(f[1], 1, Integer::sum) > 1) {
				continue; // counted below; the first arrival is the latency
			}
			long micros = Long.parseLong(f[0]) - sent;
			if (micros < 0) {
				negative++;
				micros = 0;
			}
			h.recordValue(Math.min(micros, h.getHighestTrackableValue()));
		}
		// Nothing joined (no trigger arrived yet): no latency rather than zeros.
		boolean any = h.getTotalCount() > 0;
		Map<String, Object> latency = new LinkedHashMap<>();
		latency.put("p50", any ? ms(h.getValueAtPercentile(50)) : null);
		latency.put("p90", any ? ms(h.getValueAtPercentile(90)) : null);
		latency.put("p99", any ? ms(h.getValueAtPercentile(99)) : null);
		latency.put("p99_9", any ? ms(h.getValueAtPercentile(99.9)) : null);
		latency.put("max", any ? ms(h.getMaxValue()) : null);
		latency.put("mean", any ? Math.round(h.getMean() / 10.0) / 100.0 : null);
		Map<String, Object> r = new LinkedHashMap<>();
		r.put("scenario", (args.length > 2) ? args[2] : "e2e");
		r.put("sent", sends);
		r.put("acked_2xx", sentAt.size());
		r.put("triggered", triggeredIssues.size());
		r.put("acked_not_triggered", sentAt.size() - triggeredIssues.size());
		r.put("issues_triggered_twice", triggeredIssues.values().stream().filter((c) -> c > 1).count());
		r.put("clock_negative", negative);
		r.put("webhook_to_trigger_ms", latency);
		r.put("latency_basis", "intended send time at the load generator to arrival of the dispatch at the stub CI");
		System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
	}

	private static List<String> lines(Path file) throws IOException {
		return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter((l) -> !l.isBlank()).toList();
	}

	private static double ms(long micros) {
		return Math.round(micros / 10.0) / 100.0;
	}

}
