package io.larcps.bench.optim;

import io.larcps.server.optim.ScalarKernel;
import io.larcps.server.optim.UpdateKernel;
import io.larcps.server.optim.UpdateKernels;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** {@link LarcpsStep} on the ResNet-50 problem, momentum warmed by one untimed step. */
@State(Scope.Thread)
public class LarcpsState {
    /** {@code vector}: the shipped Vector API kernel; {@code scalar}: the portable fallback. */
    @Param({"vector", "scalar"})
    public String kernel;

    LarcpsStep step;

    @Setup(Level.Trial)
    public void setUp() {
        step = new LarcpsStep(StepConfig.resnet50Problem(), StepConfig.SETTINGS, StepConfig.LEARNING_RATE,
                kernel(kernel));
        step.step();
    }

    static UpdateKernel kernel(String name) {
        return switch (name) {
            case "vector" -> UpdateKernels.vector();
            case "scalar" -> new ScalarKernel();
            default -> throw new IllegalArgumentException("kernel must be vector or scalar, got " + name);
        };
    }
}
