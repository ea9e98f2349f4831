package io.larcps.bench.optim;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** {@link Nd4jStep} on the ResNet-50 problem, single-threaded, momentum warmed by one untimed step. */
@State(Scope.Thread)
public class Nd4jState {
    Nd4jStep step;

    @Setup(Level.Trial)
    public void setUp() {
        Nd4jThreads.requireOneThreadEnvironment();
        Nd4jThreads.useOneThread();
        step = new Nd4jStep(StepConfig.resnet50Problem(), StepConfig.SETTINGS, StepConfig.LEARNING_RATE);
        step.step();
    }
}
