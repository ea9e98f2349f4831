package io.larcps.bench.round;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.larcps.bench.Args;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.server.node.ParameterServerNode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The single-JVM round run, as InProcessCluster forms it: one ActorSystem with the coordinator and a
 * ps role, ps-only ActorSystems for the other shards, and one ActorSystem hosting the worker actors,
 * all on 127.0.0.1 with OS-chosen ports. In the same JVM and run: the optimizer over each shard's
 * tensors, raw loopback before the rounds, the rounds, raw loopback after. Writes a {@link RoundRun}
 * as JSON to {@code --result}.
 */
public final class SingleJvmRound {
    private SingleJvmRound() {
    }

    public static void main(String[] argv) throws Exception {
        List<String> valued = new ArrayList<>(RoundSettings.OPTIONS);
        valued.add("--result");
        Args args = new Args(argv, valued, List.of());
        RoundSettings settings = RoundSettings.from(args, RoundSettings.full());
        Path result = Path.of(args.string("--result", "round-single.json"));
        RoundRun run = run(settings);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(result.toFile(), run);
        System.out.print(RoundReport.of(run).text());
        System.exit(0);
    }

    static RoundRun run(RoundSettings settings) throws Exception {
        TensorLayout layout = ModelLayout.load(ModelLayout.defaultPath());
        int[] elements = ModelLayout.sizes(layout);
        int[] shardOf = ShardShares.assign(elements, settings.shards());
        long[] shardBytes = ShardShares.bytes(elements, shardOf, settings.shards());
        FrameSettings frames = FrameSettings.fromConfig(RoundCluster.config(0, List.of(), 1, true));
        long inFlight = RoundCluster.maxBytesInFlight(RoundCluster.config(0, List.of(), 1, true));

        log("optimizer timing");
        OptimizerTiming.Timings timings = OptimizerTiming.time(elements, shardOf, settings.shards(), settings.workers(),
                settings.optimizerWarmup(), settings.optimizerReps());
        log("raw loopback (before)");
        List<Double> rawBefore = raw(settings, elements, frames, inFlight);
        log("raw loopback, one receiver per shard at once (before)");
        RawLoopback.Timed rawPerShardBefore = rawPerShard(settings, elements, frames, inFlight);

        log("forming the cluster");
        RoundEvents events = new RoundEvents();
        List<ActorSystem<Void>> systems = new ArrayList<>();
        EventLoopGroup clientLoops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Map<Integer, String> nodeOfShard = new TreeMap<>();
        FaultSampler faults = new FaultSampler();
        try {
            int psNodes = settings.shards();
            ActorSystem<Void> coordinator = RoundCluster.startNode(0, List.of(ParameterServerNode.COORDINATOR_ROLE,
                    ParameterServerNode.PS_ROLE), psNodes, true, null);
            systems.add(coordinator);
            RoundCluster.shardTimings(coordinator, timed -> events.stepGathered(timed.shard(), timed.step(),
                    timed.firstChunkNanos(), timed.gatheredNanos()));
            Address seed = Cluster.get(coordinator).selfMember().address();
            CompletableFuture<Long> done = new CompletableFuture<>();
            ParameterServerNode.start(coordinator, Optional.of(RoundCluster.job(settings.workers(), settings.shards(),
                    settings.steps())), RoundCluster.listener(coordinator, events, done));
            for (int i = 1; i < psNodes; i++) {
                ActorSystem<Void> ps = RoundCluster.startNode(0, List.of(ParameterServerNode.PS_ROLE), psNodes, true, seed);
                systems.add(ps);
                RoundCluster.shardTimings(ps, timed -> events.stepGathered(timed.shard(), timed.step(),
                        timed.firstChunkNanos(), timed.gatheredNanos()));
                ParameterServerNode.start(ps, Optional.empty(), ps.ignoreRef());
            }
            RoundCluster.awaitUp(coordinator, psNodes);
            ActorSystem<Void> workers = RoundCluster.startNode(0, List.of(ParameterServerNode.WORKER_ROLE), psNodes, true,
                    seed);
            systems.add(workers);
            ParameterServerNode.start(workers, Optional.empty(), workers.ignoreRef());
            RoundCluster.awaitUp(coordinator, psNodes + 1);
            CompletableFuture<Void> finished = new CompletableFuture<>();
            var outcomes = RoundCluster.outcomes(workers, settings.workers(), finished);
            for (int w = 0; w < settings.workers(); w++) {
                RoundCluster.spawnWorker(workers, layout, w, clientLoops, events::stepStarted, outcomes);
            }
            log("running " + settings.steps() + " rounds");
            CompletableFuture.anyOf(done, finished).get(30, TimeUnit.MINUTES);
            finished.get(5, TimeUnit.MINUTES);
            // After the rounds, so no output runs during them; bench/profile-intake.sh reads these.
            events.startedLines().forEach(System.out::println);
            done.get(1, TimeUnit.MINUTES);
            Map<Integer, Address> placement = RoundCluster.placement(coordinator);
            if (!events.awaitGathered(placement.keySet(), settings.steps() - 1, Duration.ofSeconds(10))) {
                log("shards " + placement.keySet() + " did not report gathering the last step within 10 s");
            }
            placement.forEach((shard, address) -> nodeOfShard.put(shard,
                    address.equals(seed) ? "coordinator+ps" : "ps@" + address.port().get()));
        } finally {
            for (int i = systems.size() - 1; i >= 0; i--) {
                systems.get(i).terminate();
                systems.get(i).getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
            }
            clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            faults.close();
        }
        // Let the cluster's garbage and threads go before the second raw measurement.
        System.gc();
        log("raw loopback (after)");
        List<Double> rawAfter = raw(settings, elements, frames, inFlight);
        log("raw loopback, one receiver per shard at once (after)");
        RawLoopback.Timed rawPerShard = rawPerShardBefore.then(rawPerShard(settings, elements, frames, inFlight));

        RoundEvents.Rounds rounds = events.rounds(settings.warmup(), settings.steps() - 1);
        Map<String, List<Double>> intakeMs = events.intakeMs(nodeOfShard, settings.warmup(), settings.steps() - 1);
        Map<String, List<Double>> firstChunkMs = events.firstChunkMs(nodeOfShard, settings.warmup(),
                settings.steps() - 1);
        Map<String, Double> faultsPerRound = new TreeMap<>();
        faultsPerRound.put("single JVM", FaultSampler.faultsBetween(faults.samples(),
                events.completedAt(settings.warmup() - 1).orElseThrow(), events.completedAt(settings.steps() - 1)
                        .orElseThrow()) / settings.rounds());
        List<Long> bytes = new ArrayList<>();
        for (long b : shardBytes) {
            bytes.add(b);
        }
        return new RoundRun("single JVM (coordinator+ps, ps and worker ActorSystems in one JVM)", settings.workers(),
                settings.shards(), ModelLayout.bytes(layout), bytes, nodeOfShard, rounds.roundMs(), rounds.pushMs(),
                rounds.pullMs(), intakeMs, firstChunkMs, events.startSpreadMs(settings.warmup(), settings.steps() - 1),
                rawBefore, rawAfter, rawPerShard.msPerReceiver(), rawPerShard.spansNanos(), List.of(),
                settings.workers() * ModelLayout.bytes(layout), timings.optimizerMs(), timings.parts(), faultsPerRound,
                events.roundBounds(settings.warmup(), settings.steps() - 1), List.of(), "");
    }

    /** Raw loopback with the data plane's thread counts: 2 client loops (as the launcher), 2 x cores server loops. */
    private static List<Double> raw(RoundSettings settings, int[] elements, FrameSettings frames, long inFlight)
            throws Exception {
        List<Double> ms = RawLoopback.inProcess(settings.workers(), RawLoopback.frames(elements, frames.chunkBytes()),
                settings.rawWarmup() + settings.rawReps(), inFlight, frames.chunkBytes(),
                2 * Runtime.getRuntime().availableProcessors(), 2);
        return new ArrayList<>(ms.subList(settings.rawWarmup(), ms.size()));
    }

    /** Raw loopback with one receiver per shard on one clock, as many ps nodes; the measured repetitions. */
    private static RawLoopback.Timed rawPerShard(RoundSettings settings, int[] elements, FrameSettings frames,
            long inFlight) throws Exception {
        return RawLoopback.inProcess(settings.workers(), RawLoopback.framesPerReceiver(elements, settings.shards(),
                frames.chunkBytes()), settings.rawWarmup() + settings.rawReps(), inFlight, frames.chunkBytes(),
                2 * Runtime.getRuntime().availableProcessors(), 2).measured(settings.rawWarmup());
    }

    static void log(String what) {
        System.err.printf("[round %tT] %s%n", System.currentTimeMillis(), what);
    }
}
