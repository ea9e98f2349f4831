package io.larcps.deploy.cluster;

import io.larcps.proto.control.StepPlan;
import io.larcps.worker.synthetic.SyntheticMlp;

/** The synthetic model, slowed down per step so that a job is still running when a test stops part of it. */
final class SlowMlp extends DelegatingSource {
    private final long sleepMillis;

    /** @param sleepMillis added to every step's gradient */
    SlowMlp(long sleepMillis) {
        super(new SyntheticMlp(2048, 20, 16, 5, 42));
        this.sleepMillis = sleepMillis;
    }

    @Override
    public Contribution compute(float[][] weights, StepPlan plan, int participantIndex) {
        try {
            Thread.sleep(sleepMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return super.compute(weights, plan, participantIndex);
    }
}
