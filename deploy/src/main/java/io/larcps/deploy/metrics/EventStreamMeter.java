package io.larcps.deploy.metrics;

import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Hears one kind of event on this node's event stream (the shards' and workers' per-step stamps) and
 * hands each to a recorder of meters, one event at a time, so the recorder needs no locking.
 */
public final class EventStreamMeter extends AbstractBehavior<EventStreamMeter.Command> {

    public sealed interface Command {
    }

    private record RecordEvent(Object event) implements Command {
    }

    private final Consumer<Object> recorder;

    private EventStreamMeter(ActorContext<Command> context, Consumer<Object> recorder) {
        super(context);
        this.recorder = recorder;
    }

    /** Subscribes to events of {@code kind}; {@code recorder} runs on the actor's thread. */
    public static <E> Behavior<Command> create(Class<E> kind, Consumer<E> recorder) {
        return Behaviors.setup(context -> {
            ActorRef<E> events = context.messageAdapter(kind, RecordEvent::new);
            context.getSystem().eventStream().tell(new EventStream.Subscribe<>(kind, events));
            return new EventStreamMeter(context, event -> recorder.accept(kind.cast(event)));
        });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessage(RecordEvent.class, this::onRecordEvent).build();
    }

    private Behavior<Command> onRecordEvent(RecordEvent command) {
        recorder.accept(command.event());
        return this;
    }
}
