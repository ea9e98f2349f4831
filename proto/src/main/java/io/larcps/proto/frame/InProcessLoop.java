package io.larcps.proto.frame;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.dispatch.Dispatcher;
import org.apache.pekko.dispatch.Dispatchers;
import org.apache.pekko.dispatch.MessageDispatcher;
import org.apache.pekko.dispatch.MessageDispatcherConfigurator;
import scala.concurrent.duration.Duration;
import scala.concurrent.duration.FiniteDuration;

/**
 * The one event loop of an ActorSystem's in-VM data plane ({@link InProcessEndpoints}), shared by the
 * ps node's in-process endpoint and the workers' connections to it. When both ends of Netty's in-VM
 * channel are on the same loop, a write reaches the peer's pipeline within the writer's task; with a
 * loop per side, every frame waits for the other loop's thread to wake up, twice per step (the push
 * and the weights). One thread is enough: it moves references, not bytes.
 *
 * <p>Actors may run on the same thread, through the dispatcher {@link #DISPATCHER_ID}: a ps node in a
 * JVM whose workers are all in process runs its shards there, so a frame from a worker reaches its
 * shard, and the shard's answer reaches the worker, without waking another thread (each wake-up of a
 * sleeping thread cost 0.1 to 0.4 ms on the 2-core VM of docs/performance.md).
 *
 * <p>Created on first use; shut down when the ActorSystem has terminated, after a quiet period, so
 * the closes that the ps node and the workers start at that time still run.
 */
public final class InProcessLoop implements Extension {
    /** The dispatcher (for {@code DispatcherSelector.fromConfig}) whose actors run on this loop. */
    public static final String DISPATCHER_ID = "larcps-in-process-loop";
    private static final long QUIET_MILLIS = 100;
    private static final long TIMEOUT_MILLIS = 2000;
    /** Messages an actor handles before the loop turns to its other tasks (frames, other actors). */
    private static final int THROUGHPUT = 10;

    private final EventLoopGroup group;

    private InProcessLoop(ActorSystem<?> system) {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("larcps-in-process", true),
                LocalIoHandler.newFactory());
        registerDispatcher(system);
        system.getWhenTerminated().thenRun(() -> group.shutdownGracefully(QUIET_MILLIS, TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
    }

    private void registerDispatcher(ActorSystem<?> system) {
        Dispatchers dispatchers = Adapter.toClassic(system).dispatchers();
        Config config = ConfigFactory.parseString("id = \"" + DISPATCHER_ID + "\"")
                .withFallback(system.settings().config().getConfig("pekko.actor.default-dispatcher"));
        OnLoop onLoop = new OnLoop(group);
        dispatchers.registerConfigurator(DISPATCHER_ID, new MessageDispatcherConfigurator(config, dispatchers.prerequisites()) {
            private final Dispatcher dispatcher = new Dispatcher(this, DISPATCHER_ID, THROUGHPUT, Duration.Zero(),
                    (id, threads) -> () -> onLoop, FiniteDuration.apply(1, TimeUnit.SECONDS));

            @Override
            public MessageDispatcher dispatcher() {
                return dispatcher;
            }
        });
    }

    /** The loop of {@code system}; the first call starts its thread. */
    public static InProcessLoop get(ActorSystem<?> system) {
        return Id.KEY.apply(system);
    }

    /** A group of one loop, for in-VM channels only; owned by this extension, never shut down by a user. */
    public EventLoopGroup group() {
        return group;
    }

    /**
     * The loop as an executor for Pekko's dispatcher. The dispatcher shuts its executor down whenever
     * it has had no actors for a while, and makes a new one when it gets some again; the loop belongs
     * to this extension, so that shutdown is ignored.
     */
    private static final class OnLoop extends AbstractExecutorService {
        private final EventLoopGroup loop;

        OnLoop(EventLoopGroup loop) {
            this.loop = loop;
        }

        @Override
        public void execute(Runnable task) {
            loop.execute(task);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return loop.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return loop.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return loop.awaitTermination(timeout, unit);
        }
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
