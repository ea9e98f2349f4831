package io.larcps.deploy.cluster;

import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.TensorLayout;
import io.larcps.worker.GradientSource;
import io.larcps.worker.synthetic.SyntheticMlp;

/** The synthetic model as a gradient source; a test overrides the one call it wants to change. */
class DelegatingSource implements GradientSource {
    private final SyntheticMlp model;

    DelegatingSource(SyntheticMlp model) {
        this.model = model;
    }

    @Override
    public TensorLayout layout() {
        return model.layout();
    }

    @Override
    public float[][] initialWeights() {
        return model.initialWeights();
    }

    @Override
    public Contribution compute(float[][] weights, StepPlan plan, int participantIndex) {
        return model.compute(weights, plan, participantIndex);
    }
}
