package io.larcps.deploy.sweep;

/** One run of a sweep: a cell of the grid (global batch x optimizer) and a seed. */
public record SweepRun(int batch, OptimizerChoice optimizer, long seed) {

    /** The cell's name in file names: {@code b1024-larc0.02}. */
    public String cell() {
        return "b" + batch + "-" + optimizer.id();
    }

    /** Where the run's report goes under {@code DIR/runs/}. */
    public String directoryName() {
        return cell() + "-seed" + seed;
    }

    /** For the progress line: {@code batch 1024, larc trust 0.02, seed 42}. */
    public String describe() {
        return "batch " + batch + ", " + optimizer.label() + ", seed " + seed;
    }
}
