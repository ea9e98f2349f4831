package io.larcps.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the JMH results of the optimizer benchmarks into the table of bandwidths and speed-ups, and
 * checks the targets. Rates count only the bytes the code itself reads and writes (the STREAM
 * convention): 28 B per parameter for the step, 12 B per element for the triad.
 */
public final class OptimizerReport {
    /** Norm pass reads p and g (8 B); update pass reads p, g, m and writes p, m (20 B). */
    static final int STEP_BYTES = 28;
    /** Triad reads b and c and writes a; the read-for-ownership of a's lines is not counted. */
    static final int TRIAD_BYTES = 12;
    static final int TRIAD_BYTES_WITH_WRITE_ALLOCATE = 16;
    static final double TARGET_TRIAD_RATIO = 1.40;
    static final double TARGET_SPEEDUP_OVER_ND4J = 3.5;

    private final long elements;
    private final JmhResult vector;
    private final JmhResult scalar;
    private final JmhResult naive;
    private final JmhResult nd4j;
    private final JmhResult triad;
    private final Optional<JmhResult> normPass;
    private final Optional<JmhResult> updatePass;
    private final Optional<JmhResult> paired;

    public OptimizerReport(List<JmhResult> results, long elements) {
        this.elements = elements;
        this.vector = find(results, "larcps", Map.of("kernel", "vector"));
        this.scalar = find(results, "larcps", Map.of("kernel", "scalar"));
        this.naive = find(results, "naive", Map.of());
        this.nd4j = find(results, "nd4j", Map.of());
        this.triad = find(results, "triad", Map.of());
        this.normPass = findOptional(results, "normPass", Map.of());
        this.updatePass = findOptional(results, "updatePass", Map.of());
        this.paired = findOptional(results, "paired", Map.of());
    }

    private static JmhResult find(List<JmhResult> results, String method, Map<String, String> params) {
        return findOptional(results, method, params)
                .orElseThrow(() -> new IllegalArgumentException("no result for " + method + " " + params
                        + " in the JMH output: run every benchmark of io.larcps.bench.optim together"));
    }

    private static Optional<JmhResult> findOptional(List<JmhResult> results, String method,
            Map<String, String> params) {
        return results.stream()
                .filter(r -> r.method().equals(method) && r.params().entrySet().containsAll(params.entrySet()))
                .findFirst();
    }

    /** The trust-ratio-equivalent bandwidth of the vector kernel as a fraction of the triad's. */
    public Estimate triadRatio() {
        return stepRate(vector).over(triadRate());
    }

    public Estimate speedupOverNd4j() {
        return nd4j.time().over(vector.time());
    }

    public boolean targetsMet() {
        return triadRatio().value() >= TARGET_TRIAD_RATIO && speedupOverNd4j().value() >= TARGET_SPEEDUP_OVER_ND4J;
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Optimizer step over %,d floats, one thread. JMH mean ± 99.9%% CI "
                + "half-width; fastest..slowest measured iteration.%n%n", elements));
        out.append(String.format(Locale.ROOT, "%-15s %-17s %-17s %-15s %-9s %s%n", "variant", "ms/step",
                "iterations (ms)", "GB/s", "% triad", "larcps-vector speed-up"));
        for (JmhResult row : List.of(vector, scalar, naive, nd4j)) {
            out.append(String.format(Locale.ROOT, "%-15s %-17s %-17s %-15s %-9s %s%n", label(row), time(row),
                    range(row), String.format(Locale.ROOT, "%.1f @28 B", stepRate(row).value()),
                    percent(stepRate(row).over(triadRate()).value()),
                    times(row.time().over(vector.time()).value())));
        }
        out.append(String.format(Locale.ROOT, "%-15s %-17s %-17s %-15s %-9s%n", "triad", time(triad), range(triad),
                String.format(Locale.ROOT, "%.1f @12 B", triadRate().value()), "100%"));
        out.append(String.format(Locale.ROOT, "%nBytes: step figures are at the two-pass step's 28 B/parameter (norm pass "
                + "reads p, g; update pass reads p, g, m,%nwrites p, m), as the target defines them. The vector kernel "
                + "moves 24 B: its update pass sums the squares of the%nweights it writes, so the next norm pass reads "
                + "only g. Triad 12 B/element (reads b, c, writes a). Write-allocate is%nnot counted (STREAM "
                + "convention); the triad's stores into a fetch each line first, 4 B more: %.1f GB/s at 16 B.%n%n",
                triad.time().inverse(TRIAD_BYTES_WITH_WRITE_ALLOCATE * (double) elements / 1e6).value()));
        out.append(target("larcps-vector bandwidth vs triad", triadRatio(), TARGET_TRIAD_RATIO, true));
        paired.ifPresent(result -> out.append(pairedCheck(result)));
        out.append(target("larcps-vector speed-up over nd4j", speedupOverNd4j(), TARGET_SPEEDUP_OVER_ND4J, false));
        out.append(String.format(Locale.ROOT, "%-34s %s (CI %s), no target%n", "larcps-vector speed-up over naive",
                times(naive.time().over(vector.time()).value()), interval(naive.time().over(vector.time()), false)));
        out.append(String.format(Locale.ROOT, "%-34s %s over nd4j, %s over naive%n", "larcps-scalar speed-up",
                times(nd4j.time().over(scalar.time()).value()), times(naive.time().over(scalar.time()).value())));
        if (normPass.isPresent() && updatePass.isPresent()) {
            out.append(passes(normPass.get(), updatePass.get()));
        }
        return out.toString();
    }

    /** The same ratio from triads and steps alternating in one fork: immune to drifts between benchmarks. */
    private static String pairedCheck(JmhResult result) {
        PairedRatio pairs = PairedRatio.of(result, STEP_BYTES, TRIAD_BYTES);
        double median = PairedRatio.median(pairs.ratios());
        return String.format(Locale.ROOT, "%-34s %s (iterations %s..%s; triad %.2f ms, step %.2f ms), "
                + "target >= %s: %s%n", "cross-check, paired in one fork", percent(median),
                percent(PairedRatio.min(pairs.ratios())), percent(PairedRatio.max(pairs.ratios())),
                PairedRatio.median(pairs.triadMillis()), PairedRatio.median(pairs.stepMillis()),
                percent(TARGET_TRIAD_RATIO), median >= TARGET_TRIAD_RATIO ? "PASS" : "MISS");
    }

    /** Where the step's time goes, and what a one-pass step would reach at the update pass's speed. */
    private String passes(JmhResult norm, JmhResult update) {
        double normRate = norm.time().inverse(8.0 * elements / 1e6).value();
        double updateRate = update.time().inverse(20.0 * elements / 1e6).value();
        return String.format(Locale.ROOT, "%nVector kernel passes run alone: norm of p and g %s ms (%.1f GB/s @8 B), update %s ms "
                + "(%.1f GB/s @20 B);%nsum %.2f ms against the step's %.2f ms. A one-pass step at the update pass's "
                + "speed: %s of triad.%n", time(norm), normRate, time(update), updateRate,
                norm.time().value() + update.time().value(), vector.time().value(),
                percent(stepRate(update).over(triadRate()).value()));
    }

    private String target(String what, Estimate measured, double target, boolean asPercent) {
        boolean met = measured.value() >= target;
        return String.format(Locale.ROOT, "%-34s %s (CI %s), target >= %s: %s%n", what,
                asPercent ? percent(measured.value()) : times(measured.value()), interval(measured, asPercent),
                asPercent ? percent(target) : times(target), met ? "PASS" : "MISS");
    }

    /** GB/s of the optimizer step at 28 B per parameter; ms in, so bytes / 1e6 gives GB/s. */
    private Estimate stepRate(JmhResult result) {
        return result.time().inverse(STEP_BYTES * (double) elements / 1e6);
    }

    private Estimate triadRate() {
        return triad.time().inverse(TRIAD_BYTES * (double) elements / 1e6);
    }

    private static String label(JmhResult result) {
        String kernel = result.params().get("kernel");
        return kernel == null ? result.method() : result.method() + " " + kernel;
    }

    private static String time(JmhResult result) {
        Estimate time = result.time();
        if (!time.hasInterval()) {
            return String.format(Locale.ROOT, "%.2f", time.value());
        }
        return String.format(Locale.ROOT, "%.2f ± %.2f", time.value(), time.high() - time.value());
    }

    private static String range(JmhResult result) {
        return String.format(Locale.ROOT, "%.2f..%.2f", result.fastestIteration(), result.slowestIteration());
    }

    /** A ratio's interval; JMH's lower time bound can reach zero on very noisy runs, then there is none. */
    private static String interval(Estimate estimate, boolean asPercent) {
        if (!estimate.hasInterval() || !(estimate.low() > 0) || Double.isInfinite(estimate.high())) {
            return "n/a";
        }
        return asPercent
                ? percent(estimate.low()) + ".." + percent(estimate.high())
                : times(estimate.low()) + ".." + times(estimate.high());
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    private static String times(double ratio) {
        return String.format(Locale.ROOT, "%.2fx", ratio);
    }
}
