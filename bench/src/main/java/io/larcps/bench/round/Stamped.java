package io.larcps.bench.round;

import java.util.ArrayList;
import java.util.List;

/** Readings of a growing counter, each {@code [System.nanoTime(), value]}, in time order. */
final class Stamped {
    private Stamped() {
    }

    /** How much the counter grew between two instants, by linear interpolation; NaN if not covered. */
    static double between(List<long[]> samples, long from, long to) {
        return at(samples, to) - at(samples, from);
    }

    /** Consecutive stamps as spans: {@code [b0, b1], [b1, b2], ...}. */
    static List<List<Long>> spans(List<Long> bounds) {
        List<List<Long>> spans = new ArrayList<>();
        for (int i = 1; i < bounds.size(); i++) {
            spans.add(List.of(bounds.get(i - 1), bounds.get(i)));
        }
        return spans;
    }

    static double at(List<long[]> samples, long nanos) {
        for (int i = 1; i < samples.size(); i++) {
            long[] before = samples.get(i - 1);
            long[] after = samples.get(i);
            if (before[0] <= nanos && nanos <= after[0]) {
                double fraction = after[0] == before[0] ? 0 : (nanos - before[0]) / (double) (after[0] - before[0]);
                return before[1] + fraction * (after[1] - before[1]);
            }
        }
        return Double.NaN;
    }
}
