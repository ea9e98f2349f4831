package io.larcps.bench.train;

import io.larcps.bench.round.Summary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Samples per second of (a) larcps 1x1, (b) larcps 2x2 and (c) plain DL4J, and the ratios against (c).
 * With repeated runs, a configuration's rate is the mean of its runs' steady rates.
 */
public final class TrainReport {
    public static final double TARGET = 0.9;

    private final Map<String, List<TrainRun>> runs = new LinkedHashMap<>();
    private final int warmupEpochs;

    /** @param warmupEpochs epochs at the start of each run left out of its steady rate */
    public TrainReport(List<TrainRun> all, int warmupEpochs) {
        this.warmupEpochs = warmupEpochs;
        for (TrainRun run : all) {
            runs.computeIfAbsent(run.name(), name -> new ArrayList<>()).add(run);
        }
    }

    /** Mean steady samples/s of the runs named {@code name}; NaN if none. */
    public double samplesPerSecond(String name) {
        List<TrainRun> named = runs.get(name);
        return named == null ? Double.NaN : named.stream().mapToDouble(r -> r.steadySamplesPerSecond(warmupEpochs)).average()
                .orElse(Double.NaN);
    }

    /** mean(a or b) / mean(c); NaN when either is missing. */
    public double ratio(String name) {
        return samplesPerSecond(name) / samplesPerSecond("c");
    }

    public boolean passes(String name) {
        return ratio(name) >= TARGET;
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<TrainRun>> named : runs.entrySet()) {
            List<TrainRun> list = named.getValue();
            Summary rates = Summary.of(list.stream().map(r -> r.steadySamplesPerSecond(warmupEpochs)).toList());
            line(out, "(%s) %s: %.0f samples/s steady (%.2f ms/step)%s", named.getKey(), list.get(0).label(),
                    rates.mean(), 1e3 * list.get(0).globalBatch() / rates.mean(), list.size() > 1
                            ? String.format(Locale.ROOT, ", mean of %d runs %s", list.size(), list.stream()
                                    .map(r -> String.format(Locale.ROOT, "%.0f", r.steadySamplesPerSecond(warmupEpochs)))
                                    .collect(Collectors.joining(", "))) : "");
            for (TrainRun run : list) {
                String perEpoch = run.epochSamplesPerSecond(warmupEpochs).stream().map(r -> String.format(Locale.ROOT, "%.0f", r))
                        .collect(Collectors.joining(", "));
                line(out, "      run: epochs %d..%d at %s samples/s; whole run %s incl. start-up; test accuracy %.4f",
                        warmupEpochs + 1, run.epochEndSeconds().size(), perEpoch, Double.isNaN(run.wallSeconds()) ? "n/a"
                                : String.format(Locale.ROOT, "%.1f s", run.wallSeconds()), run.finalAccuracy());
            }
        }
        for (String name : List.of("a", "b")) {
            if (runs.containsKey(name) && runs.containsKey("c")) {
                line(out, "TARGET (%s)/(c) >= %.2f: %s (%.3f)", name, TARGET, passes(name) ? "PASS" : "MISS", ratio(name));
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
