package io.larcps.deploy.sweep;

import java.util.List;

/**
 * Mean and spread of one quantity over a cell's seeds.
 *
 * @param std the sample standard deviation (n - 1 in the denominator); NaN for a single run
 */
public record Stats(int n, double mean, double std, double min, double max) {

    public static Stats of(List<Double> values) {
        int n = values.size();
        if (n == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return new Stats(n, mean, n > 1 ? Math.sqrt(squares / (n - 1)) : Double.NaN, min, max);
    }
}
