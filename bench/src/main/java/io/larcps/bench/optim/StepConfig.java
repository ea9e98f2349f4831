package io.larcps.bench.optim;

import io.larcps.server.optim.OptimizerSettings;

/** The step every variant runs: apex LARC (trust 0.02, eps 1e-8, clip) and momentum SGD at lr 0.4. */
public final class StepConfig {
    public static final OptimizerSettings SETTINGS = OptimizerSettings.apexLarc(0.02, 5e-4, 0.9);
    public static final double LEARNING_RATE = 0.4;
    public static final long SEED = 20_170_823L;
    public static final double WEIGHT_STD = 0.05;
    public static final double GRADIENT_STD = 1e-3;

    private StepConfig() {
    }

    /** The benchmarked problem: every ResNet-50 tensor, seeded weights and gradients. */
    public static StepProblem resnet50Problem() {
        return StepProblem.random(Layout.resnet50(), SEED, WEIGHT_STD, GRADIENT_STD);
    }
}
