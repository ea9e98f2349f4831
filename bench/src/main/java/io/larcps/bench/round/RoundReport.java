package io.larcps.bench.round;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a {@link RoundRun} against the targets:
 * <ul>
 *   <li>ingest per ps node = gradient bytes pushed to that node per round / mean round time, as a
 *       percentage of the raw loopback rate (one receiver, one connection per worker); target >= 80%;</li>
 *   <li>round vs bound, where bound = bytes moved per round (every worker pushes the model and pulls
 *       it back) / raw rate + the optimizer step over the larger shard's tensors; target <= 1.5x.</li>
 * </ul>
 * GB are 10^9 bytes.
 */
public record RoundReport(RoundRun run, Summary round, Summary push, Summary pull, Summary rawBefore,
        Summary rawAfter, Summary raw, double rawGbPerS, Map<String, Long> bytesPerNode,
        Map<String, Double> ingestGbPerS, List<Summary> optimizer, double movedBytes, double boundMs) {

    public static final double INGEST_TARGET = 0.80;
    public static final double BOUND_TARGET = 1.5;

    public static RoundReport of(RoundRun run) {
        Summary round = Summary.of(run.roundMs());
        List<Double> allRaw = new ArrayList<>(run.rawBeforeMs());
        allRaw.addAll(run.rawAfterMs());
        Summary raw = Summary.of(allRaw);
        double rawGbPerS = run.rawBytesPerRep() / (raw.mean() / 1e3) / 1e9;
        Map<String, Long> bytesPerNode = new TreeMap<>();
        for (int shard = 0; shard < run.shards(); shard++) {
            String node = run.nodeOfShard().getOrDefault(shard, "?");
            bytesPerNode.merge(node, run.workers() * run.shardBytes().get(shard), Long::sum);
        }
        Map<String, Double> ingest = new TreeMap<>();
        bytesPerNode.forEach((node, bytes) -> ingest.put(node, bytes / (round.mean() / 1e3) / 1e9));
        List<Summary> optimizer = run.optimizerMs().stream().map(Summary::of).toList();
        double slowestShare = optimizer.stream().mapToDouble(Summary::median).max().orElse(0);
        double moved = 2.0 * run.workers() * run.modelBytes();
        double boundMs = moved / (rawGbPerS * 1e9) * 1e3 + slowestShare;
        return new RoundReport(run, round, Summary.of(run.pushMs()), Summary.of(run.pullMs()),
                Summary.of(run.rawBeforeMs()), Summary.of(run.rawAfterMs()), raw, rawGbPerS, bytesPerNode, ingest,
                optimizer, moved, boundMs);
    }

    /** Ingest of the node with the lowest rate, as a fraction of raw. */
    public double worstIngestFraction() {
        return ingestGbPerS.values().stream().mapToDouble(Double::doubleValue).min().orElse(0) / rawGbPerS;
    }

    public double boundRatio() {
        return round.mean() / boundMs;
    }

    public boolean ingestPasses() {
        return worstIngestFraction() >= INGEST_TARGET;
    }

    public boolean boundPasses() {
        return boundRatio() <= BOUND_TARGET;
    }

    /** The most ingest per node could reach if every round ran exactly at the bound (bytes moved at raw speed). */
    public double ingestCeilingFraction() {
        long most = bytesPerNode.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return most / (boundMs / 1e3) / 1e9 / rawGbPerS;
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        line(out, "== %s: %d workers x %d shards, %.1f MB model (FLOAT32) ==", run.mode(), run.workers(), run.shards(),
                run.modelBytes() / 1e6);
        if (run.conditions() != null && !run.conditions().isEmpty()) {
            line(out, "conditions            %s", run.conditions());
        }
        line(out, "ms per round          %s", round.describe("%.1f"));
        line(out, "  steady? mean of the first and second half of the measured rounds: %.1f, %.1f ms", halfMean(0),
                halfMean(1));
        line(out, "  start -> applied    %s (push, check+sum, LARC; a shard reports before it encodes the new"
                + " weights)", push.describe("%.1f"));
        line(out, "  applied -> start    %s (weights encode, transfer and decode; the plan)", pull.describe("%.1f"));
        line(out, "bytes per round       pushed %.1f MB, pulled %.1f MB, moved %.1f MB", movedBytes / 2e6,
                movedBytes / 2e6, movedBytes / 1e6);
        line(out, "raw loopback          %.2f GB/s (1 discard receiver, %d connections, 4 MiB frames, %.1f MB per rep;"
                + " before %.2f, after %.2f GB/s; ms per rep %s)", rawGbPerS, run.workers(), run.rawBytesPerRep() / 1e6,
                rate(rawBefore), rate(rawAfter), raw.describe("%.1f"));
        bytesPerNode.forEach((node, bytes) -> line(out, "ingest, %-14s %.3f GB/s (%.1f MB pushed to it per round) = %.1f%%"
                + " of raw", node, ingestGbPerS.get(node), bytes / 1e6, 100 * ingestGbPerS.get(node) / rawGbPerS));
        bytesPerNode.forEach((node, bytes) -> line(out, "  over start->applied, %-14s %.3f GB/s = %.1f%% of raw (diagnostic)",
                node, bytes / (push.mean() / 1e3) / 1e9, 100 * bytes / (push.mean() / 1e3) / 1e9 / rawGbPerS));
        for (int shard = 0; shard < optimizer.size(); shard++) {
            line(out, "optimizer, shard %d     %s ms over %.1f MB (LayerwiseOptimizer, apex LARC + momentum)", shard,
                    optimizer.get(shard).describe("%.1f"), run.shardBytes().get(shard) / 1e6);
        }
        Map<String, List<List<Double>>> work = run.shardWork();
        if (work != null && work.containsKey("sum") && work.containsKey("encode")) {
            for (int shard = 0; shard < optimizer.size(); shard++) {
                double sum = median(work, "sum", shard);
                double encode = median(work, "encode", shard);
                line(out, "  shard %d serial work (diagnostic, one thread, medians): check+sum of %d pushes %.1f ms"
                        + " + LARC %.1f ms + weights encode %.1f ms = %.1f ms", shard, run.workers(), sum,
                        optimizer.get(shard).median(), encode, sum + optimizer.get(shard).median() + encode);
                line(out, "    minor page faults: sum %.0f, encode %.0f; the same encode into new pooled buffers"
                        + " (before WeightsCache kept them): %.1f ms, %.0f faults",
                        median(work, "sum-faults", shard), median(work, "encode-faults", shard),
                        median(work, "fresh", shard), median(work, "fresh-faults", shard));
            }
        }
        if (run.faultsPerRound() != null && !run.faultsPerRound().isEmpty()) {
            StringBuilder faults = new StringBuilder();
            run.faultsPerRound().forEach((process, count) -> faults.append(faults.length() == 0 ? "" : ", ").append(
                    String.format(Locale.ROOT, "%s %.0f (%.0f MB)", process, count, count * 4096 / 1e6)));
            line(out, "minor page faults per round (diagnostic; 4 KiB of first-touched memory each): %s", faults);
        }
        line(out, "bound                 %.1f ms = %.1f MB / %.2f GB/s + %.1f ms (slower shard's optimizer median)", boundMs,
                movedBytes / 1e6, rawGbPerS, boundMs - movedBytes / (rawGbPerS * 1e9) * 1e3);
        line(out, "TARGET ingest >= %.0f%% of raw: %s (%.1f%% on the slower node; at the bound itself it would be %.1f%%)",
                100 * INGEST_TARGET, ingestPasses() ? "PASS" : "MISS", 100 * worstIngestFraction(),
                100 * ingestCeilingFraction());
        line(out, "TARGET round <= %.1fx bound: %s (%.2fx: %.1f ms vs %.1f ms)", BOUND_TARGET,
                boundPasses() ? "PASS" : "MISS", boundRatio(), round.mean(), boundMs);
        return out.toString();
    }

    private static double median(Map<String, List<List<Double>>> work, String part, int shard) {
        List<List<Double>> values = work.get(part);
        return values == null || values.size() <= shard || values.get(shard).isEmpty() ? Double.NaN
                : Summary.of(values.get(shard)).median();
    }

    private double rate(Summary rawMs) {
        return run.rawBytesPerRep() / (rawMs.mean() / 1e3) / 1e9;
    }

    /** A falling second half says the warm-up was too short for this run (the JIT was still compiling). */
    private double halfMean(int half) {
        List<Double> ms = run.roundMs();
        int middle = ms.size() / 2;
        List<Double> part = half == 0 ? ms.subList(0, middle) : ms.subList(middle, ms.size());
        return part.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
