package io.larcps.deploy.sweep;

import java.util.List;

/**
 * The grids {@code larcps sweep} runs without grid flags. Flags given explicitly override a preset's
 * value one by one. Why these numbers: see {@code docs/sweep.md} and {@code larcps sweep --help}.
 */
public enum SweepPreset {
    /** The study's grid on the default model: 24 runs, 35-60 minutes on 2 cores (the budget is 90). */
    FULL(List.of(256, 1024, 2048, 4096), "sgd,larc:0.001,larc:0.02", 2, 40, 2),
    /** A smoke run of the whole pipeline, about 4 minutes on 2 cores: the same grid, one seed, 8 epochs. */
    QUICK(List.of(256, 1024, 2048, 4096), "sgd,larc:0.001,larc:0.02", 1, 8, 1);

    private final List<Integer> batches;
    private final String optimizers;
    private final int seeds;
    private final int epochs;
    private final double warmupEpochs;

    SweepPreset(List<Integer> batches, String optimizers, int seeds, int epochs, double warmupEpochs) {
        this.batches = batches;
        this.optimizers = optimizers;
        this.seeds = seeds;
        this.epochs = epochs;
        this.warmupEpochs = warmupEpochs;
    }

    public List<Integer> batches() {
        return batches;
    }

    public String optimizers() {
        return optimizers;
    }

    public int seeds() {
        return seeds;
    }

    public int epochs() {
        return epochs;
    }

    public double warmupEpochs() {
        return warmupEpochs;
    }
}
