package io.larcps.bench.round;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The figures of a {@link RoundRun} against the targets:
 * <ul>
 *   <li>ingest per ps node = gradient bytes pushed to that node per round / the node's intake time (the
 *       first worker's start of the step until the last of its shards has summed every chunk), as a
 *       percentage of raw loopback for the same bytes: one discard receiver per shard, all taking in
 *       their pushes at once, as the ps nodes do. Target >= 80%. When shards share a node, the node's
 *       share of the one-receiver raw rate stands in. Also printed: the same bytes over the whole round,
 *       against the whole raw rate (the figure of sessions 1 to 4);</li>
 *   <li>round vs bound, where bound = bytes moved per round (every worker pushes the model and pulls
 *       it back) / raw rate (one receiver) + the optimizer step over the larger shard's tensors; target
 *       <= 1.5x.</li>
 * </ul>
 * GB are 10^9 bytes.
 */
public record RoundReport(RoundRun run, Summary round, Summary push, Summary pull, Summary rawBefore,
        Summary rawAfter, Summary raw, double rawGbPerS, Map<String, Long> bytesPerNode,
        Map<String, Summary> intakeMs, Map<String, Double> ingestGbPerS, List<Summary> optimizer, double movedBytes,
        double boundMs) {

    public static final double INGEST_TARGET = 0.80;
    public static final double BOUND_TARGET = 1.5;
    /** A round or raw repetition with at least this much DAMON CPU time had a DAMON pass in it. */
    public static final double KDAMOND_PASS_MS = 5.0;

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
        Map<String, Summary> intake = new TreeMap<>();
        if (run.intakeMs() != null) {
            run.intakeMs().forEach((node, ms) -> intake.put(node, Summary.of(ms)));
        }
        Map<String, Double> ingest = new TreeMap<>();
        bytesPerNode.forEach((node, bytes) -> ingest.put(node, intake.containsKey(node)
                ? bytes / (intake.get(node).mean() / 1e3) / 1e9 : Double.NaN));
        List<Summary> optimizer = run.optimizerMs().stream().map(Summary::of).toList();
        double slowestShare = optimizer.stream().mapToDouble(Summary::median).max().orElse(0);
        double moved = 2.0 * run.workers() * run.modelBytes();
        double boundMs = moved / (rawGbPerS * 1e9) * 1e3 + slowestShare;
        return new RoundReport(run, round, Summary.of(run.pushMs()), Summary.of(run.pullMs()),
                Summary.of(run.rawBeforeMs()), Summary.of(run.rawAfterMs()), raw, rawGbPerS, bytesPerNode, intake,
                ingest, optimizer, moved, boundMs);
    }

    /** The raw rate that falls to a node's pushes when every node takes in its own at once: its share of the bytes. */
    public double rawShareGbPerS(String node) {
        return rawGbPerS * bytesPerNode.get(node) / run.rawBytesPerRep();
    }

    /** The shard a node hosts, when it hosts exactly one; empty otherwise. */
    private Optional<Integer> onlyShardOf(String node) {
        List<Integer> shards = run.nodeOfShard().entrySet().stream().filter(e -> e.getValue().equals(node))
                .map(Map.Entry::getKey).toList();
        return shards.size() == 1 ? Optional.of(shards.get(0)) : Optional.empty();
    }

    /** Raw GB/s of the receiver that stood for shard {@code shard} while every shard's receiver ran. */
    public double rawPerShardGbPerS(int shard) {
        return run.workers() * run.shardBytes().get(shard) / (Summary.of(run.rawPerShardMs().get(shard)).mean() / 1e3)
                / 1e9;
    }

    /**
     * Raw for a node's own bytes: its shard's receiver in the one-receiver-per-shard measurement, or,
     * when it hosts several shards or that was not measured, its share of the one-receiver rate.
     */
    public double rawForNodeGbPerS(String node) {
        return hasOwnRaw(node) ? rawPerShardGbPerS(onlyShardOf(node).orElseThrow()) : rawShareGbPerS(node);
    }

    /** Whether a node's bytes had a raw receiver of their own: it hosts one shard, and that was measured. */
    private boolean hasOwnRaw(String node) {
        return onlyShardOf(node).isPresent() && run.rawPerShardMs() != null
                && run.rawPerShardMs().size() == run.shards();
    }

    /** A node's ingest as a fraction of raw for its bytes; NaN if the node's intake was not recorded. */
    public double ingestFraction(String node) {
        return ingestGbPerS.get(node) / rawForNodeGbPerS(node);
    }

    /** Ingest of the node that fell furthest below raw for its bytes; NaN (a miss) when a node is unrecorded. */
    public double worstIngestFraction() {
        double worst = Double.POSITIVE_INFINITY;
        for (String node : bytesPerNode.keySet()) {
            double fraction = ingestFraction(node);
            if (Double.isNaN(fraction)) {
                return Double.NaN;
            }
            worst = Math.min(worst, fraction);
        }
        return bytesPerNode.isEmpty() ? Double.NaN : worst;
    }

    /** A node's pushed bytes over the mean whole round, as a fraction of the whole raw rate. */
    public double perRoundIngestFraction(String node) {
        return bytesPerNode.get(node) / (round.mean() / 1e3) / 1e9 / rawGbPerS;
    }

    /** The bound's optimizer part: the slower shard's median step. */
    public double optimizerPartMs() {
        return boundMs - movedBytes / (rawGbPerS * 1e9) * 1e3;
    }

    public double boundRatio() {
        return round.mean() / boundMs;
    }

    public boolean ingestPasses() {
        double worst = worstIngestFraction();
        return !Double.isNaN(worst) && worst >= INGEST_TARGET;
    }

    public boolean boundPasses() {
        return boundRatio() <= BOUND_TARGET;
    }

    /**
     * The most the per-round figure ({@link #perRoundIngestFraction}) could reach if every round ran
     * exactly at the bound (bytes moved at raw speed).
     */
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
        if (run.rawPerShardMs() != null) {
            for (int shard = 0; shard < run.rawPerShardMs().size(); shard++) {
                line(out, "raw, shard %d's bytes  %.3f GB/s (its own discard receiver, while every shard's ran; %.1f MB"
                        + " per rep; ms per rep %s)", shard, rawPerShardGbPerS(shard),
                        run.workers() * run.shardBytes().get(shard) / 1e6,
                        Summary.of(run.rawPerShardMs().get(shard)).describe("%.1f"));
            }
        }
        bytesPerNode.forEach((node, bytes) -> line(out, "ingest, %-14s %.3f GB/s = %.1f MB pushed to it / %s ms of intake"
                + " (first worker's start -> its shards have summed every chunk) = %.1f%% of raw for its bytes (%.3f GB/s, %s)",
                node, ingestGbPerS.get(node), bytes / 1e6,
                intakeMs.containsKey(node) ? intakeMs.get(node).describe("%.1f") : "none recorded",
                100 * ingestFraction(node), rawForNodeGbPerS(node), hasOwnRaw(node) ? String.format(Locale.ROOT,
                        "its shard's receiver; its share of the one-receiver rate would be %.3f GB/s",
                        rawShareGbPerS(node)) : "its share of the one-receiver rate"));
        if (run.firstChunkMs() != null) {
            bytesPerNode.keySet().forEach(node -> {
                List<Double> first = run.firstChunkMs().get(node);
                if (first != null && intakeMs.containsKey(node)) {
                    double firstMean = Summary.of(first).mean();
                    line(out, "  intake, %-14s first chunk at its shards %.1f ms after the first worker's start, every"
                            + " chunk summed %.1f ms after that", node, firstMean, intakeMs.get(node).mean() - firstMean);
                }
            });
        }
        if (run.startSpreadMs() != null && !run.startSpreadMs().isEmpty()) {
            line(out, "  workers' starts     the last worker started %s ms after the first (it was still pulling the"
                    + " last weights, and its pushes start that much later; diagnostic)",
                    Summary.of(run.startSpreadMs()).describe("%.1f"));
        }
        bytesPerNode.forEach((node, bytes) -> line(out, "  per round, %-14s %.3f GB/s (%.1f MB over the mean round) = %.1f%%"
                + " of the whole raw rate (diagnostic; at the bound itself it would be %.1f%%)", node,
                bytes / (round.mean() / 1e3) / 1e9, bytes / 1e6, 100 * perRoundIngestFraction(node),
                100 * ingestCeilingFraction()));
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
        kdamondLines(out);
        line(out, "bound                 %.1f ms = %.1f MB / %.2f GB/s + %.1f ms (slower shard's optimizer median)", boundMs,
                movedBytes / 1e6, rawGbPerS, optimizerPartMs());
        line(out, "TARGET ingest >= %.0f%% of raw: %s (%.1f%% on the slower node, over its intake)",
                100 * INGEST_TARGET, ingestPasses() ? "PASS" : "MISS", 100 * worstIngestFraction());
        line(out, "TARGET round <= %.1fx bound: %s (%.2fx: %.1f ms vs %.1f ms)", BOUND_TARGET,
                boundPasses() ? "PASS" : "MISS", boundRatio(), round.mean(), boundMs);
        return out.toString();
    }

    /** Indices of the intervals whose DAMON time is under {@link #KDAMOND_PASS_MS}; all when none was watched. */
    static List<Integer> withoutKdamond(List<Double> kdamondMs, int count) {
        List<Integer> quiet = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (kdamondMs == null || kdamondMs.isEmpty() || kdamondMs.get(i) < KDAMOND_PASS_MS) {
                quiet.add(i);
            }
        }
        return quiet;
    }

    /** Indices of the measured rounds without a DAMON pass. */
    public List<Integer> roundsWithoutKdamond() {
        return withoutKdamond(run.kdamondMs(), run.roundMs().size());
    }

    /**
     * The same figures as the targets', over only the rounds and the raw repetitions (one receiver per
     * shard) that had no DAMON pass: what larc-ps does against what the loopback does, both without the
     * VM's page-access sampling. Empty when DAMON was not watched, or when one side has no such interval.
     *
     * @param boundMs the bound, with raw = all pushed bytes over the mean quiet repetition of the
     *     receivers-per-shard measurement
     * @param ingestFractionByNode per node, ingest over its quiet intakes against its receiver's quiet raw
     */
    public record WithoutKdamond(int rounds, int reps, double roundMs, double boundMs,
            Map<String, Double> ingestFractionByNode) {
    }

    public Optional<WithoutKdamond> withoutKdamond() {
        if (run.kdamondMs() == null || run.kdamondMs().isEmpty() || run.rawPerShardMs() == null
                || run.rawPerShardKdamondMs() == null || run.rawPerShardKdamondMs().isEmpty()) {
            return Optional.empty();
        }
        List<Integer> rounds = roundsWithoutKdamond();
        List<Integer> reps = withoutKdamond(run.rawPerShardKdamondMs(), run.rawPerShardKdamondMs().size());
        if (rounds.isEmpty() || reps.isEmpty()) {
            return Optional.empty();
        }
        List<List<Long>> spans = run.rawPerShardSpansNanos();
        double repMs = reps.stream().mapToDouble(k -> (spans.get(k).get(1) - spans.get(k).get(0)) / 1e6).average()
                .orElseThrow();
        // A quiet repetition moved every pushed byte in repMs; the round moves each twice (push and pull).
        double quietBound = movedBytes / run.rawBytesPerRep() * repMs + optimizerPartMs();
        Map<String, Double> ingest = new TreeMap<>();
        for (Map.Entry<String, Long> node : bytesPerNode.entrySet()) {
            List<Double> intake = run.intakeMs().get(node.getKey());
            Optional<Integer> shard = onlyShardOf(node.getKey());
            if (intake == null || intake.size() != run.roundMs().size() || shard.isEmpty()) {
                continue;
            }
            double intakeMs = rounds.stream().mapToDouble(intake::get).average().orElseThrow();
            List<Double> raw = run.rawPerShardMs().get(shard.get());
            double rawMs = reps.stream().mapToDouble(raw::get).average().orElseThrow();
            ingest.put(node.getKey(), rawMs / intakeMs);
        }
        double roundMs = rounds.stream().mapToDouble(run.roundMs()::get).average().orElseThrow();
        return Optional.of(new WithoutKdamond(rounds.size(), reps.size(), roundMs, quietBound, ingest));
    }

    private void kdamondLines(StringBuilder out) {
        List<Double> kdamond = run.kdamondMs();
        if (kdamond == null || kdamond.isEmpty()) {
            return;
        }
        line(out, "kdamond               %.1f ms of CPU per round (DAMON's page-access sampling, a kernel thread of this"
                + " VM, not larc-ps; diagnostic)", kdamond.stream().mapToDouble(Double::doubleValue).average().orElse(0));
        withoutKdamond().ifPresent(quiet -> {
            StringBuilder ingest = new StringBuilder();
            quiet.ingestFractionByNode().forEach((node, fraction) -> ingest.append(String.format(Locale.ROOT,
                    ", %s ingest %.1f%%", node, 100 * fraction)));
            line(out, "  without a DAMON pass (under %.0f ms of it): %d of %d rounds, %d of %d raw repetitions (one"
                    + " receiver per shard): round %.1f ms = %.2fx a bound of %.1f ms%s", KDAMOND_PASS_MS,
                    quiet.rounds(), run.roundMs().size(), quiet.reps(), run.rawPerShardKdamondMs().size(),
                    quiet.roundMs(), quiet.roundMs() / quiet.boundMs(), quiet.boundMs(), ingest);
        });
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
