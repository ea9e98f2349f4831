package io.larcps.bench.train;

import java.util.List;

/**
 * One training run's timing: when each epoch ended, in seconds from a common origin, plus context.
 *
 * @param name "a", "b" or "c"
 * @param label what ran, for the report
 * @param epochEndSeconds seconds at the end of each epoch (only differences are used)
 * @param wallSeconds the whole run including start-up, as the run itself reports it; NaN if unknown
 * @param finalAccuracy test accuracy after the last epoch, a check that the run learned
 */
public record TrainRun(String name, String label, long stepsPerEpoch, int globalBatch, List<Double> epochEndSeconds,
        double wallSeconds, double finalAccuracy) {

    /**
     * Samples per second over every epoch after the first {@code warmupEpochs} (start-up, cluster formation,
     * JIT and ND4J warm-up land there).
     */
    public double steadySamplesPerSecond(int warmupEpochs) {
        int n = epochEndSeconds.size();
        if (warmupEpochs < 1 || n <= warmupEpochs) {
            throw new IllegalStateException(name + ": " + n + " epochs leave none to measure after " + warmupEpochs
                    + " warm-up epoch(s) (at least 1)");
        }
        return (n - warmupEpochs) * stepsPerEpoch * (double) globalBatch
                / (epochEndSeconds.get(n - 1) - epochEndSeconds.get(warmupEpochs - 1));
    }

    /** Samples per second of each epoch after the first {@code warmupEpochs}. */
    public List<Double> epochSamplesPerSecond(int warmupEpochs) {
        List<Double> rates = new java.util.ArrayList<>();
        for (int k = Math.max(1, warmupEpochs); k < epochEndSeconds.size(); k++) {
            rates.add(stepsPerEpoch * (double) globalBatch / (epochEndSeconds.get(k) - epochEndSeconds.get(k - 1)));
        }
        return rates;
    }
}
