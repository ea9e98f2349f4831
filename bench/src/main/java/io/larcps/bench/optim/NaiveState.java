package io.larcps.bench.optim;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** {@link NaiveStep} on the ResNet-50 problem, momentum warmed by one untimed step. */
@State(Scope.Thread)
public class NaiveState {
    NaiveStep step;

    @Setup(Level.Trial)
    public void setUp() {
        step = new NaiveStep(StepConfig.resnet50Problem(), StepConfig.SETTINGS, StepConfig.LEARNING_RATE);
        step.step();
    }
}
