package io.larcps.deploy.sweep;

/**
 * One completed run, as a row of {@code results.csv}.
 *
 * @param peakLr the learning rate after warmup: base lr scaled linearly to the batch
 * @param finalLoss test loss after the last epoch (NaN for models without one, e.g. synthetic-mlp)
 * @param refusedGradients gradient contributions the shards left out for NaN/Inf (a diverging run)
 * @param runDirectory the run's report, relative to the sweep's directory
 */
public record RunResult(SweepRun run, String model, int workers, int shards, double peakLr, int epochs, long steps,
        double finalAccuracy, double bestAccuracy, double finalLoss, double wallSeconds, double samplesPerSecond,
        int refusedGradients, String runDirectory) {
}
