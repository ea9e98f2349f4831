package io.larcps.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The bandwidth ratio from the {@code paired} benchmark, one value per measured iteration: in each, the
 * triad and the step ran the same number of times, alternating, so their summed nanoseconds compare
 * directly. Also splits each iteration's ms per pair into its triad and step parts.
 */
record PairedRatio(List<Double> ratios, List<Double> triadMillis, List<Double> stepMillis) {

    static PairedRatio of(JmhResult paired, int stepBytes, int triadBytes) {
        List<Double> triad = paired.secondary().get("triadNanos");
        List<Double> step = paired.secondary().get("stepNanos");
        if (triad == null || step == null || triad.size() != paired.iterations().size()
                || step.size() != triad.size()) {
            throw new IllegalArgumentException("paired result lacks per-iteration triadNanos/stepNanos");
        }
        List<Double> ratios = new ArrayList<>();
        List<Double> triadMillis = new ArrayList<>();
        List<Double> stepMillis = new ArrayList<>();
        for (int i = 0; i < triad.size(); i++) {
            ratios.add(stepBytes * triad.get(i) / (triadBytes * step.get(i)));
            double pairMillis = paired.iterations().get(i);
            double triadShare = triad.get(i) / (triad.get(i) + step.get(i));
            triadMillis.add(pairMillis * triadShare);
            stepMillis.add(pairMillis * (1 - triadShare));
        }
        return new PairedRatio(ratios, triadMillis, stepMillis);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
