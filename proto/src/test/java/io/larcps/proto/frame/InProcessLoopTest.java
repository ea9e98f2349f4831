package io.larcps.proto.frame;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class InProcessLoopTest {
    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    /** Answers every message with whether it was handled on the in-process loop's thread. */
    private static Behavior<ActorRef<Boolean>> onWhichThread(InProcessLoop loop) {
        return Behaviors.receiveMessage(replyTo -> {
            replyTo.tell(loop.group().next().inEventLoop());
            return Behaviors.same();
        });
    }

    @Test
    void oneLoopPerSystemAndItsDispatcherRunsActorsOnIt() {
        InProcessLoop loop = InProcessLoop.get(KIT.system());
        assertThat(InProcessLoop.get(KIT.system())).isSameAs(loop);
        TestProbe<Boolean> probe = KIT.createTestProbe();

        ActorRef<ActorRef<Boolean>> onLoop = KIT.spawn(onWhichThread(loop), DispatcherSelector.fromConfig(InProcessLoop.DISPATCHER_ID));
        ActorRef<ActorRef<Boolean>> elsewhere = KIT.spawn(onWhichThread(loop));
        for (int i = 0; i < 3; i++) {
            onLoop.tell(probe.getRef());
            assertThat(probe.receiveMessage()).isTrue();
            elsewhere.tell(probe.getRef());
            assertThat(probe.receiveMessage()).isFalse();
        }
    }

    @Test
    void theLoopOutlivesTheDispatchersIdleShutdown() throws InterruptedException {
        InProcessLoop loop = InProcessLoop.get(KIT.system());
        TestProbe<Boolean> probe = KIT.createTestProbe();
        ActorRef<ActorRef<Boolean>> first = KIT.spawn(onWhichThread(loop), DispatcherSelector.fromConfig(InProcessLoop.DISPATCHER_ID));
        first.tell(probe.getRef());
        assertThat(probe.receiveMessage()).isTrue();
        KIT.stop(first);
        // Pekko shuts an idle dispatcher's executor down after its shutdown timeout (1 s here).
        Thread.sleep(1500);
        assertThat(loop.group().isShutdown()).isFalse();
        ActorRef<ActorRef<Boolean>> second = KIT.spawn(onWhichThread(loop), DispatcherSelector.fromConfig(InProcessLoop.DISPATCHER_ID));
        second.tell(probe.getRef());
        assertThat(probe.receiveMessage()).isTrue();
    }
}
