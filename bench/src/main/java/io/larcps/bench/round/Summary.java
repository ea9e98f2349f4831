package io.larcps.bench.round;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Mean, sample standard deviation, median and range of a handful of timings. */
public record Summary(int n, double mean, double sd, double median, double min, double max) {

    public static Summary of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to summarise");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        double mean = sum / n;
        double squares = 0;
        for (double v : sorted) {
            squares += (v - mean) * (v - mean);
        }
        double sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Summary(n, mean, sd, median, sorted.get(0), sorted.get(n - 1));
    }

    /** e.g. {@code 412.3 ± 18.0 (median 409.1, 388.2..450.7, n=20)}. */
    public String describe(String format) {
        return String.format(Locale.ROOT, format + " ± " + format + " (median " + format + ", " + format + ".." + format
                + ", n=%d)", mean, sd, median, min, max, n);
    }
}
