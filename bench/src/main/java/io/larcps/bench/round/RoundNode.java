package io.larcps.bench.round;

import io.larcps.bench.Args;
import io.larcps.proto.control.TensorLayout;
import io.larcps.server.node.ParameterServerNode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * One OS process of the multi-process round run, the way {@code larcps coordinator --with-ps},
 * {@code larcps ps} and {@code larcps worker} start theirs, but with the instant gradient source:
 * <ul>
 *   <li>{@code --role coordinator --port P}: coordinator and ps roles; after the job prints each step's
 *       completion, when its own shards gathered each step and where each shard ran, then exits;</li>
 *   <li>{@code --role ps --join P}: a ps node; runs until killed, then prints when its shards gathered
 *       each step;</li>
 *   <li>{@code --role worker --join P --worker W}: one worker actor; prints its step starts and exits
 *       when the job ends.</li>
 * </ul>
 * Events are printed (as {@link RoundEvents} lines) only after the job, never while rounds run.
 */
public final class RoundNode {
    private RoundNode() {
    }

    public static void main(String[] argv) throws Exception {
        List<String> valued = new ArrayList<>(RoundSettings.OPTIONS);
        valued.addAll(List.of("--role", "--port", "--join", "--worker"));
        Args args = new Args(argv, valued, List.of());
        RoundSettings settings = RoundSettings.from(args, RoundSettings.full());
        String role = args.string("--role", "");
        int psNodes = settings.shards();
        Address seed = args.has("--join")
                ? AddressFromURIString.parse("pekko://larcps@127.0.0.1:" + args.integer("--join", 0)) : null;
        FaultSampler faults = new FaultSampler();
        List<String> gathered = Collections.synchronizedList(new ArrayList<>());
        if (role.equals("ps")) {
            // A ps node runs until the driver stops it; its samples and timings go out on the way down.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                faults.close();
                faults.lines().forEach(System.out::println);
                printAll(gathered);
                System.out.flush();
            }));
        }
        int code = switch (role) {
            case "coordinator" -> coordinator(settings, args.integer("--port", 0), psNodes, gathered);
            case "ps" -> ps(seed, psNodes, gathered);
            case "worker" -> worker(settings, seed, psNodes, args.integer("--worker", 0));
            default -> throw new IllegalArgumentException("--role must be coordinator, ps or worker, got '" + role + "'");
        };
        if (!role.equals("ps")) {
            faults.close();
            faults.lines().forEach(System.out::println);
        }
        System.out.flush();
        System.exit(code);
    }

    /** Keeps a line per step a shard of {@code system} gathered, to print after the rounds, and notes it in {@code events}. */
    private static void recordGathered(ActorSystem<?> system, List<String> lines, RoundEvents events) {
        RoundCluster.shardTimings(system, timed -> {
            lines.add(RoundEvents.gatheredLine(timed.shard(), timed.step(), timed.firstChunkNanos(),
                    timed.gatheredNanos()));
            events.stepGathered(timed.shard(), timed.step(), timed.firstChunkNanos(), timed.gatheredNanos());
        });
    }

    private static void printAll(List<String> lines) {
        synchronized (lines) {
            lines.forEach(System.out::println);
        }
    }

    private static int coordinator(RoundSettings settings, int port, int psNodes, List<String> gathered)
            throws Exception {
        ActorSystem<Void> system = RoundCluster.startNode(port, List.of(ParameterServerNode.COORDINATOR_ROLE,
                ParameterServerNode.PS_ROLE), psNodes, false, null);
        RoundEvents events = new RoundEvents();
        recordGathered(system, gathered, events);
        try {
            CompletableFuture<Long> done = new CompletableFuture<>();
            ParameterServerNode.start(system, Optional.of(RoundCluster.job(settings.workers(), settings.shards(),
                    settings.steps())), RoundCluster.listener(system, events, done));
            done.get(30, TimeUnit.MINUTES);
            Address self = Cluster.get(system).selfMember().address();
            Map<Integer, Address> placement = RoundCluster.placement(system);
            List<Integer> own = placement.entrySet().stream().filter(e -> e.getValue().equals(self))
                    .map(Map.Entry::getKey).toList();
            if (!events.awaitGathered(own, settings.steps() - 1, Duration.ofSeconds(10))) {
                System.err.println("shards " + own + " did not report gathering the last step within 10 s");
            }
            for (long step = 0; step < settings.steps(); step++) {
                long at = step;
                events.completedAt(step).ifPresent(nanos -> System.out.println(RoundEvents.completedLine(at, nanos)));
            }
            printAll(gathered);
            placement.forEach((shard, address) -> System.out.println(RoundEvents.PREFIX + "placement " + shard + " "
                    + (address.equals(self) ? "coordinator+ps" : "ps@" + address.port().get())));
            return 0;
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }

    private static int ps(Address seed, int psNodes, List<String> gathered) throws Exception {
        ActorSystem<Void> system = RoundCluster.startNode(0, List.of(ParameterServerNode.PS_ROLE), psNodes, false, seed);
        recordGathered(system, gathered, new RoundEvents());
        ParameterServerNode.start(system, Optional.empty(), system.ignoreRef());
        system.getWhenTerminated().toCompletableFuture().get();
        return 0;
    }

    private static int worker(RoundSettings settings, Address seed, int psNodes, int worker) throws Exception {
        TensorLayout layout = ModelLayout.load(ModelLayout.defaultPath());
        ActorSystem<Void> system = RoundCluster.startNode(0, List.of(ParameterServerNode.WORKER_ROLE), psNodes, false,
                seed);
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        RoundEvents events = new RoundEvents();
        try {
            ParameterServerNode.start(system, Optional.empty(), system.ignoreRef());
            CompletableFuture<Void> finished = new CompletableFuture<>();
            var outcomes = RoundCluster.outcomes(system, 1, finished);
            RoundCluster.spawnWorker(system, layout, worker, loops, events::stepStarted, outcomes);
            finished.get(30, TimeUnit.MINUTES);
            events.startedLines().forEach(System.out::println);
            return 0;
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
