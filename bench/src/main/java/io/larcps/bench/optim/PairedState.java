package io.larcps.bench.optim;

import io.larcps.server.optim.UpdateKernels;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The vector-kernel step and the triad's arrays side by side in one fork. */
@State(Scope.Thread)
public class PairedState {
    LarcpsStep step;
    final TriadState triad = new TriadState();

    @Setup(Level.Trial)
    public void setUp() {
        step = new LarcpsStep(StepConfig.resnet50Problem(), StepConfig.SETTINGS, StepConfig.LEARNING_RATE,
                UpdateKernels.vector());
        step.step();
        triad.setUp();
    }
}
