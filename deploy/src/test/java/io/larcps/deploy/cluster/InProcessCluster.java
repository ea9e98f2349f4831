package io.larcps.deploy.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.coordinator.TrainingCoordinator;
import io.larcps.server.node.NodeConfig;
import io.larcps.server.node.ParameterServerNode;
import io.larcps.worker.GradientSource;
import io.larcps.worker.Worker;
import io.larcps.worker.WorkerSetup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * A real Pekko cluster of several ActorSystems in this JVM on 127.0.0.1 (OS-chosen ports): one node
 * with the coordinator and a ps role, more ps nodes, and one node hosting the worker actors.
 */
final class InProcessCluster implements AutoCloseable {
    private static final Duration FORMATION = Duration.ofSeconds(30);

    private final List<ActorTestKit> nodes = new ArrayList<>();
    private final EventLoopGroup clientLoops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final TestProbe<TrainingCoordinator.Event> events;
    private final TestProbe<Worker.Outcome> outcomes;
    private final ActorTestKit workerNode;
    private final String settings;

    /**
     * @param psNodes ps nodes in all, the first of which also coordinates
     * @param sources one gradient source per worker actor
     */
    InProcessCluster(JobSpec job, int psNodes, IntFunction<GradientSource> sources) throws InterruptedException {
        this(job, psNodes, sources, "");
    }

    /** @param settings HOCON for every node, over the defaults */
    InProcessCluster(JobSpec job, int psNodes, IntFunction<GradientSource> sources, String settings)
            throws InterruptedException {
        this(job, psNodes, settings);
        FrameSettings frames = FrameSettings.fromConfig(workerNode.system().settings().config());
        for (int w = 0; w < job.workers(); w++) {
            GradientSource source = sources.apply(w);
            WorkerSetup setup = new WorkerSetup(job.jobId(), "worker-" + w, "127.0.0.1", w, job.batchPerWorker(), source,
                    frames, 8 << 20, clientLoops, "larcps.worker.compute-dispatcher", 0);
            workerNode.spawn(Worker.create(setup, outcomes.getRef()), "worker-" + w);
        }
    }

    /** The cluster without worker actors: a test plays the workers on {@link #workerNode()}. */
    InProcessCluster(JobSpec job, int psNodes) throws InterruptedException {
        this(job, psNodes, "");
    }

    private InProcessCluster(JobSpec job, int psNodes, String settings) throws InterruptedException {
        this.settings = settings;
        ActorTestKit first = node(List.of(ParameterServerNode.COORDINATOR_ROLE, ParameterServerNode.PS_ROLE), psNodes);
        events = first.createTestProbe(TrainingCoordinator.Event.class);
        ParameterServerNode.start(first.system(), Optional.of(job), events.getRef());
        for (int i = 1; i < psNodes; i++) {
            ParameterServerNode.start(node(List.of(ParameterServerNode.PS_ROLE), psNodes).system(), Optional.empty(),
                    events.getRef());
        }
        awaitUp(psNodes);
        workerNode = node(List.of(ParameterServerNode.WORKER_ROLE), psNodes);
        ParameterServerNode.start(workerNode.system(), Optional.empty(), events.getRef());
        awaitUp(psNodes + 1);
        outcomes = workerNode.createTestProbe(Worker.Outcome.class);
    }

    private ActorTestKit node(List<String> roles, int psNodes) {
        Config overrides = ConfigFactory.parseString("larcps.coordinator.ps-nodes = " + psNodes
                + "\npekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n" + settings);
        ActorTestKit kit = ActorTestKit.create("larcps",
                NodeConfig.node("127.0.0.1", 0, roles, List.of(), overrides));
        ActorSystem<Void> system = kit.system();
        Cluster cluster = Cluster.get(system);
        ActorSystem<?> seed = nodes.isEmpty() ? system : nodes.get(0).system();
        cluster.manager().tell(Join.create(Cluster.get(seed).selfMember().address()));
        nodes.add(kit);
        return kit;
    }

    private void awaitUp(int members) throws InterruptedException {
        long deadline = System.nanoTime() + FORMATION.toNanos();
        Cluster cluster = Cluster.get(nodes.get(0).system());
        while (System.nanoTime() < deadline) {
            long up = 0;
            for (var member : cluster.state().getMembers()) {
                if (member.status() == MemberStatus.up()) {
                    up++;
                }
            }
            if (up >= members) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(members + " members not up within " + FORMATION);
    }

    /** Stops node {@code index} (0 is the coordinator's; the ps nodes follow, the workers' node is last). */
    void stopNode(int index) {
        nodes.get(index).shutdownTestKit();
    }

    /** The node with the worker role. */
    ActorTestKit workerNode() {
        return workerNode;
    }

    /** Netty event loops for data-plane clients on the worker node. */
    EventLoopGroup clientLoops() {
        return clientLoops;
    }

    TestProbe<Worker.Outcome> outcomes() {
        return outcomes;
    }

    TestProbe<TrainingCoordinator.Event> events() {
        return events;
    }

    /** Waits for every worker's outcome; fails on a worker that gave up. */
    List<Worker.Finished> awaitFinished(int workers, Duration timeout) {
        List<Worker.Finished> finished = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Worker.Outcome outcome = outcomes.receiveMessage(timeout);
            if (outcome instanceof Worker.GaveUp gaveUp) {
                throw new AssertionError("a worker gave up: " + gaveUp.reason());
            }
            finished.add((Worker.Finished) outcome);
        }
        finished.sort(java.util.Comparator.comparingInt(Worker.Finished::rank));
        return finished;
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (!nodes.get(i).system().whenTerminated().isCompleted()) {
                nodes.get(i).shutdownTestKit();
            }
        }
        clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
