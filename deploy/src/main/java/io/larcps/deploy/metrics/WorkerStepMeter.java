package io.larcps.deploy.metrics;

import io.larcps.worker.StepTimes;
import io.larcps.worker.Worker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Turns the {@link Worker.StepDone} splits that this node's workers publish into one timer per part
 * of a step, per job and rank: computing the gradients, pushing them, pulling the next weights (the
 * shards' sum and optimizer included) and waiting to start.
 */
public final class WorkerStepMeter extends AbstractBehavior<WorkerStepMeter.Command> {

    public sealed interface Command {
    }

    private record RecordStep(Worker.StepDone done) implements Command {
    }

    private final MeterRegistry registry;

    private WorkerStepMeter(ActorContext<Command> context, MeterRegistry registry) {
        super(context);
        this.registry = registry;
    }

    public static Behavior<Command> create(MeterRegistry registry) {
        return Behaviors.setup(context -> {
            ActorRef<Worker.StepDone> splits = context.messageAdapter(Worker.StepDone.class, RecordStep::new);
            context.getSystem().eventStream().tell(new EventStream.Subscribe<>(Worker.StepDone.class, splits));
            return new WorkerStepMeter(context, registry);
        });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessage(RecordStep.class, this::onRecordStep).build();
    }

    private Behavior<Command> onRecordStep(RecordStep command) {
        Worker.StepDone done = command.done();
        Tags tags = Tags.of("job", done.jobId(), "rank", Integer.toString(done.rank()));
        StepTimes split = done.split();
        record("larcps.worker.compute", "Computing a step's gradients", tags, split.computeSeconds());
        record("larcps.worker.push", "Pushing a step's gradients, until the last chunk is written", tags,
                split.pushSeconds());
        record("larcps.worker.pull", "From the push to holding the next weights (the shards' step included)", tags,
                split.pullSeconds());
        record("larcps.worker.wait", "From holding the weights to computing on them", tags, split.waitingSeconds());
        return this;
    }

    private void record(String name, String description, Tags tags, double seconds) {
        Timer.builder(name).description(description).tags(tags).register(registry)
                .record(Duration.ofNanos(Math.round(seconds * 1e9)));
    }
}
