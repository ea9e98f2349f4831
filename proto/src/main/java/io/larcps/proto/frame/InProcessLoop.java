package io.larcps.proto.frame;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The one event loop of an ActorSystem's in-VM data plane ({@link InProcessEndpoints}), shared by the
 * ps node's in-process endpoint and the workers' connections to it. When both ends of Netty's in-VM
 * channel are on the same loop, a write reaches the peer's pipeline within the writer's task; with a
 * loop per side, every frame waits for the other loop's thread to wake up, twice per step (the push
 * and the weights). One thread is enough: it moves references, not bytes.
 *
 * <p>Created on first use; shut down when the ActorSystem has terminated, after a quiet period, so
 * the closes that the ps node and the workers start at that time still run.
 */
public final class InProcessLoop implements Extension {
    private static final long QUIET_MILLIS = 100;
    private static final long TIMEOUT_MILLIS = 2000;

    private final EventLoopGroup group;

    private InProcessLoop(ActorSystem<?> system) {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("larcps-in-process", true),
                LocalIoHandler.newFactory());
        system.getWhenTerminated().thenRun(() -> group.shutdownGracefully(QUIET_MILLIS, TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
    }

    /** The loop of {@code system}; the first call starts its thread. */
    public static InProcessLoop get(ActorSystem<?> system) {
        return Id.KEY.apply(system);
    }

    /** A group of one loop, for in-VM channels only; owned by this extension, never shut down by a user. */
    public EventLoopGroup group() {
        return group;
    }

    /** The extension's key, as Pekko looks extensions up. */
    public static final class Id extends ExtensionId<InProcessLoop> {
        private static final Id KEY = new Id();

        private Id() {
        }

        @Override
        public InProcessLoop createExtension(ActorSystem<?> system) {
            return new InProcessLoop(system);
        }
    }
}
