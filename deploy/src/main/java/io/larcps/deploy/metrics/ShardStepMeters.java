package io.larcps.deploy.metrics;

import io.larcps.server.shard.ParameterShard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Records the {@link ParameterShard.StepTimed} stamps that a node's shards publish: how long a step's
 * gradients took to arrive and be summed, how long the optimizer took, and the gradient bytes taken
 * in, per job and shard.
 */
final class ShardStepMeters implements Consumer<ParameterShard.StepTimed> {
    private final MeterRegistry registry;

    ShardStepMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void accept(ParameterShard.StepTimed timed) {
        Tags tags = Tags.of("job", timed.jobId(), "shard", Integer.toString(timed.shard()));
        // A shard that owns no tensor applies steps without a chunk: it has no gather time to give.
        if (timed.firstChunkNanos() != ParameterShard.NO_CHUNK_YET) {
            Timer.builder("larcps.shard.gather")
                    .description("From a step's first gradient chunk at the shard to its last one summed")
                    .tags(tags)
                    .register(registry)
                    .record(timed.gatheredNanos() - timed.firstChunkNanos(), TimeUnit.NANOSECONDS);
        }
        Timer.builder("larcps.shard.optimizer")
                .description("The optimizer's step over the shard's tensors, once every gradient is summed")
                .tags(tags)
                .register(registry)
                .record(timed.appliedNanos() - timed.gatheredNanos(), TimeUnit.NANOSECONDS);
        Counter.builder("larcps.shard.gradient")
                .description("Gradient bytes the shard took in (chunks that passed the header checks)")
                .baseUnit("bytes")
                .tags(tags)
                .register(registry)
                .increment(timed.gradientBytes());
    }
}
