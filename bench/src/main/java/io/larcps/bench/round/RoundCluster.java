package io.larcps.bench.round;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.InProcessEndpoints;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.coordinator.TrainingCoordinator;
import io.larcps.server.node.NodeConfig;
import io.larcps.server.node.ParameterServerNode;
import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.ScheduleSettings;
import io.larcps.server.shard.ParameterShard;
import io.larcps.worker.Worker;
import io.larcps.worker.WorkerSetup;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/** What the single-JVM and the multi-process round runs share: the job, node set-up, listeners. */
public final class RoundCluster {
    public static final String JOB_ID = "round";
    /** Samples behind each worker's sums; only the shards' divisor, the instant source costs nothing. */
    public static final int BATCH_PER_WORKER = 32;
    public static final long GRADIENT_SEED = 20_170_823L;
    public static final double LEARNING_RATE = 0.4;
    public static final OptimizerSettings OPTIMIZER = OptimizerSettings.apexLarc(0.02, 5e-4, 0.9);
    private static final Duration FORMATION = Duration.ofSeconds(120);

    private RoundCluster() {
    }

    /** apex LARC (trust 0.02, wd 5e-4, momentum 0.9) at a constant lr 0.4, as the optimizer benchmark. */
    public static JobSpec job(int workers, int shards, long steps) {
        int globalBatch = workers * BATCH_PER_WORKER;
        return new JobSpec(JOB_ID, workers, shards, globalBatch, steps, globalBatch * steps, OPTIMIZER,
                new ScheduleSettings("constant", LEARNING_RATE, globalBatch, globalBatch, 0, steps, 0, 2, 1000, 0.1));
    }

    /**
     * A node's configuration as larc-ps builds it, its coordinator waiting for {@code psNodes} ps nodes.
     * The data plane stays on TCP even in one JVM: this benchmark measures the loopback network path
     * against raw loopback, not the in-process shortcut a real single-JVM job takes.
     */
    public static Config config(int port, List<String> roles, int psNodes, boolean sameJvm) {
        Config extra = ConfigFactory.parseString("larcps.coordinator.ps-nodes = " + psNodes
                + "\n" + InProcessEndpoints.CONFIG_KEY + " = off"
                + (sameJvm ? "\npekko.cluster.jmx.multi-mbeans-in-same-jvm = on" : ""));
        return NodeConfig.node("127.0.0.1", port, roles, List.of(), extra);
    }

    public static ActorSystem<Void> startNode(int port, List<String> roles, int psNodes, boolean sameJvm,
            Address joinTo) {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "larcps", config(port, roles, psNodes, sameJvm));
        Cluster cluster = Cluster.get(system);
        if (joinTo == null) {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        } else {
            cluster.manager().tell(new JoinSeedNodes(List.of(joinTo)));
        }
        return system;
    }

    /** Blocks until {@code members} members are Up as {@code system} sees them. */
    public static void awaitUp(ActorSystem<?> system, int members) throws InterruptedException {
        long deadline = System.nanoTime() + FORMATION.toNanos();
        Cluster cluster = Cluster.get(system);
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
        throw new IllegalStateException(members + " members not up within " + FORMATION);
    }

    /** A listener that stamps each completed step into {@code events} and completes {@code done} at the end. */
    public static ActorRef<TrainingCoordinator.Event> listener(ActorSystem<?> system, RoundEvents events,
            CompletableFuture<Long> done) {
        Behavior<TrainingCoordinator.Event> behavior = Behaviors.receiveMessage(event -> {
            long now = System.nanoTime();
            if (event instanceof TrainingCoordinator.StepCompleted step) {
                events.stepCompleted(step.step(), now);
            } else if (event instanceof TrainingCoordinator.JobCompleted completed) {
                done.complete(completed.steps());
            }
            return Behaviors.same();
        });
        return system.systemActorOf(behavior, "round-listener", Props.empty());
    }

    /**
     * Hands every {@link ParameterShard.StepTimed} that the shards of {@code system} publish to
     * {@code onTimed}, from one actor, so calls never overlap.
     */
    public static void shardTimings(ActorSystem<?> system, Consumer<ParameterShard.StepTimed> onTimed) {
        Behavior<ParameterShard.StepTimed> behavior = Behaviors.setup(context -> {
            context.getSystem().eventStream().tell(new EventStream.Subscribe<>(ParameterShard.StepTimed.class,
                    context.getSelf()));
            return Behaviors.receiveMessage(timed -> {
                onTimed.accept(timed);
                return Behaviors.same();
            });
        });
        system.systemActorOf(behavior, "round-shard-timings", Props.empty());
    }

    /** Fails {@code failed} when a worker gives up; counts finished workers into {@code finished}. */
    public static ActorRef<Worker.Outcome> outcomes(ActorSystem<?> system, int workers, CompletableFuture<Void> finished) {
        int[] count = {0};
        Behavior<Worker.Outcome> behavior = Behaviors.receiveMessage(outcome -> {
            if (outcome instanceof Worker.GaveUp gaveUp) {
                finished.completeExceptionally(new IllegalStateException("a worker gave up: " + gaveUp.reason()));
            } else if (outcome instanceof Worker.Finished && ++count[0] == workers) {
                finished.complete(null);
            }
            return Behaviors.same();
        });
        return system.systemActorOf(behavior, "round-outcomes", Props.empty());
    }

    /** Spawns one worker actor with an instant gradient source. */
    public static void spawnWorker(ActorSystem<?> system, TensorLayout layout, int worker, EventLoopGroup loops,
            InstantGradients.Listener listener, ActorRef<Worker.Outcome> outcomes) {
        FrameSettings frames = FrameSettings.fromConfig(system.settings().config());
        long inFlight = maxBytesInFlight(system.settings().config());
        WorkerSetup setup = new WorkerSetup(JOB_ID, "round-worker-" + worker, "127.0.0.1", worker, BATCH_PER_WORKER,
                new InstantGradients(layout, worker, GRADIENT_SEED, BATCH_PER_WORKER,
                        InstantGradients.Memory.fromSystemProperty(), listener), frames, inFlight, loops,
                "larcps.worker.compute-dispatcher", 0);
        system.systemActorOf(Worker.create(setup, outcomes), "worker-" + worker, Props.empty());
    }

    /** larcps.worker.max-bytes-in-flight, as {@code larcps train} and {@code larcps worker} read it. */
    public static long maxBytesInFlight(Config config) {
        return config.getBytes("larcps.worker.max-bytes-in-flight");
    }

    /** Which node hosts each parameter shard: shard index to the hosting node's address. */
    public static Map<Integer, Address> placement(ActorSystem<?> system) throws Exception {
        ShardRegion.ClusterShardingStats stats = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
                ShardRegion.ClusterShardingStats>ask(ClusterSharding.get(system).shardState(),
                        replyTo -> new GetClusterShardingStats(ParameterShard.TYPE_KEY, Duration.ofSeconds(5), replyTo),
                        Duration.ofSeconds(10), system.scheduler())
                .toCompletableFuture().get(15, TimeUnit.SECONDS);
        Map<Integer, Address> placement = new TreeMap<>();
        stats.getRegions().forEach((address, region) -> region.getStats().keySet().forEach(shardId ->
                placement.put(Integer.parseInt(shardId.substring(shardId.lastIndexOf('/') + 1)), address)));
        return placement;
    }
}
