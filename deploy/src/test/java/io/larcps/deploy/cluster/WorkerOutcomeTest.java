package io.larcps.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.protocol.CoordinatorProtocol;
import io.larcps.worker.GradientSource;
import io.larcps.worker.Worker;
import io.larcps.worker.WorkerSetup;
import io.larcps.worker.synthetic.SyntheticMlp;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A worker that stops before its job ended says so, whatever stopped it: nobody waits forever. */
class WorkerOutcomeTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final EventLoopGroup LOOPS = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
        LOOPS.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The synthetic model, whose layout fails from its {@code failFrom}-th call on. */
    private static final class BreakingSource extends DelegatingSource {
        private final AtomicInteger calls = new AtomicInteger();
        private final int failFrom;

        BreakingSource(int failFrom) {
            super(new SyntheticMlp(64, 8, 4, 3, 1));
            this.failFrom = failFrom;
        }

        @Override
        public TensorLayout layout() {
            if (calls.incrementAndGet() >= failFrom) {
                throw new IllegalStateException("layout broke");
            }
            return super.layout();
        }
    }

    private ActorRef<Worker.Command> spawn(String id, GradientSource source, TestProbe<Worker.Outcome> outcomes) {
        WorkerSetup setup = new WorkerSetup("job", id, "127.0.0.1", 0, 8, source,
                FrameSettings.fromConfig(KIT.system().settings().config()), 1 << 20, LOOPS,
                "larcps.worker.compute-dispatcher", 0);
        return KIT.spawn(Worker.create(setup, outcomes.getRef()), id);
    }

    @Test
    void aWorkerStoppedFromOutsideReportsThatItGaveUp() {
        TestProbe<Worker.Outcome> outcomes = KIT.createTestProbe();
        ActorRef<Worker.Command> worker = spawn("stopped", new BreakingSource(Integer.MAX_VALUE), outcomes);
        KIT.stop(worker);

        Worker.GaveUp gaveUp = outcomes.expectMessageClass(Worker.GaveUp.class, Duration.ofSeconds(10));
        assertThat(gaveUp.reason()).contains("stopped").contains("before its job ended");
    }

    @Test
    void aWorkerThatFailsInsideReportsThatItGaveUp() {
        TestProbe<Worker.Outcome> outcomes = KIT.createTestProbe();
        // A coordinator for the worker to find: registering reads the layout a second time, which throws.
        TestProbe<CoordinatorProtocol.Request> coordinator = KIT.createTestProbe();
        KIT.system().receptionist().tell(Receptionist.register(CoordinatorProtocol.SERVICE_KEY, coordinator.getRef()));
        spawn("breaking", new BreakingSource(2), outcomes);

        Worker.GaveUp gaveUp = outcomes.expectMessageClass(Worker.GaveUp.class, Duration.ofSeconds(10));
        assertThat(gaveUp.reason()).contains("breaking").contains("before its job ended");
        coordinator.expectNoMessage(Duration.ofMillis(200));
    }
}
