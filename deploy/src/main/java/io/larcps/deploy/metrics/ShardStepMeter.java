package io.larcps.deploy.metrics;

import io.larcps.server.shard.ParameterShard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Turns the {@link ParameterShard.StepTimed} stamps that this node's shards publish into meters: how
 * long a step's gradients took to arrive and be summed, how long the optimizer took, and the gradient
 * bytes taken in, per job and shard.
 */
public final class ShardStepMeter extends AbstractBehavior<ShardStepMeter.Command> {

    public sealed interface Command {
    }

    private record RecordStep(ParameterShard.StepTimed timed) implements Command {
    }

    private final MeterRegistry registry;

    private ShardStepMeter(ActorContext<Command> context, MeterRegistry registry) {
        super(context);
        this.registry = registry;
    }

    public static Behavior<Command> create(MeterRegistry registry) {
        return Behaviors.setup(context -> {
            ActorRef<ParameterShard.StepTimed> stamps = context.messageAdapter(ParameterShard.StepTimed.class,
                    RecordStep::new);
            context.getSystem().eventStream().tell(new EventStream.Subscribe<>(ParameterShard.StepTimed.class, stamps));
            return new ShardStepMeter(context, registry);
        });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessage(RecordStep.class, this::onRecordStep).build();
    }

    private Behavior<Command> onRecordStep(RecordStep command) {
        ParameterShard.StepTimed timed = command.timed();
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
        return this;
    }
}
