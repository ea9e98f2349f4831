package io.larcps.deploy.metrics;

import io.larcps.worker.StepTimes;
import io.larcps.worker.Worker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Records the {@link Worker.StepDone} splits that a node's workers publish, one timer per part of a
 * step, per job and rank: computing the gradients, pushing them, pulling the next weights (the shards'
 * sum and optimizer included) and waiting to start.
 */
final class WorkerStepMeters implements Consumer<Worker.StepDone> {
    private final MeterRegistry registry;

    WorkerStepMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void accept(Worker.StepDone done) {
        Tags tags = Tags.of("job", done.jobId(), "rank", Integer.toString(done.rank()));
        StepTimes split = done.split();
        record("larcps.worker.compute", "Computing a step's gradients", tags, split.computeSeconds());
        record("larcps.worker.push", "Pushing a step's gradients, until the last chunk is written", tags,
                split.pushSeconds());
        record("larcps.worker.pull", "From the push to holding the next weights (the shards' step included)", tags,
                split.pullSeconds());
        record("larcps.worker.wait", "From holding the weights to computing on them", tags, split.waitingSeconds());
    }

    private void record(String name, String description, Tags tags, double seconds) {
        Timer.builder(name).description(description).tags(tags).register(registry)
                .record(Duration.ofNanos(Math.round(seconds * 1e9)));
    }
}
