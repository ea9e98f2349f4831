package io.larcps.bench.round;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.larcps.bench.Args;
import io.larcps.bench.ChildJvms;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.frame.FrameSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Drives the round benchmark (see {@code bench/round.sh --help}): the single-JVM run in one child JVM,
 * then the multi-process run as separate child JVMs, and prints one report per run.
 */
public final class RoundBench {
    private RoundBench() {
    }

    public static void main(String[] argv) throws Exception {
        List<String> valued = new ArrayList<>(RoundSettings.OPTIONS);
        valued.addAll(List.of("--mode", "--out", "--single-heap", "--child-heap", "--child-jvm-flags", "--gradient-memory"));
        Args args = new Args(argv, valued, List.of("--quick", "--fail-on-miss"));
        RoundSettings settings = RoundSettings.from(args, args.flag("--quick") ? RoundSettings.quick() : RoundSettings.full());
        String mode = args.string("--mode", "both");
        if (!List.of("single", "processes", "both").contains(mode)) {
            throw new IllegalArgumentException("--mode must be single, processes or both, got '" + mode + "'");
        }
        Path out = Files.createDirectories(Path.of(args.string("--out", "bench/target/round")));
        Path layout = ModelLayout.defaultPath();
        List<String> common = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector", "-Dlarcps.layout=" + layout));
        String memory = args.string("--gradient-memory", "direct");
        if (!List.of("direct", "heap").contains(memory)) {
            throw new IllegalArgumentException("--gradient-memory must be direct or heap, got '" + memory + "'");
        }
        common.add("-D" + InstantGradients.MEMORY_PROPERTY + "=" + memory);
        common.addAll(ChildJvms.hugePageFlags());
        String extraFlags = args.string("--child-jvm-flags", "").trim();
        if (!extraFlags.isEmpty()) {
            common.addAll(List.of(extraFlags.split("\\s+")));
        }

        System.out.println("Machine: " + ChildJvms.machine());
        System.out.println("Layout: " + layout + "; settings: " + settings);
        System.out.println("Child JVM flags (and -Xmx): " + String.join(" ", common));
        List<RoundRun> runs = new ArrayList<>();
        if (!mode.equals("processes")) {
            runs.add(withDriverReadings(() -> single(settings, out, common, args.string("--single-heap", "8g"))));
        }
        if (!mode.equals("single")) {
            runs.add(withDriverReadings(() -> processes(settings, out, common, args.string("--child-heap", "2g"))));
        }
        StringBuilder text = new StringBuilder();
        boolean allPass = true;
        for (RoundRun run : runs) {
            RoundReport report = RoundReport.of(run);
            text.append('\n').append(report.text());
            allPass &= report.ingestPasses() && report.boundPasses();
        }
        System.out.print(text);
        Files.writeString(out.resolve("round.txt"), "Machine: " + ChildJvms.machine() + "\n" + text);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.resolve("round.json").toFile(), runs);
        System.out.println("\nwrote " + out.resolve("round.txt") + ", " + out.resolve("round.json") + " and child logs in "
                + out);
        System.exit(args.flag("--fail-on-miss") && !allPass ? 1 : 0);
    }

    /** A run whose children do the measuring. */
    private interface Measured {
        RoundRun run() throws Exception;
    }

    /** Runs {@code measured} while this JVM watches the machine's load and its DAMON threads. */
    private static RoundRun withDriverReadings(Measured measured) throws Exception {
        String before = ChildJvms.loadAverage();
        KdamondSampler kdamond = new KdamondSampler();
        RoundRun run;
        try {
            run = measured.run();
        } finally {
            // Its last reading comes after every round and repetition, so each span is covered.
            kdamond.close();
        }
        return run.withDriverReadings(kdamond.cpuMsIn(Stamped.spans(run.roundBoundsNanos())),
                kdamond.cpuMsIn(run.rawPerShardSpansNanos()), "load average " + before + " at the start, "
                + ChildJvms.loadAverage() + " at the end");
    }

    private static RoundRun single(RoundSettings settings, Path out, List<String> common, String heap) throws Exception {
        Path dir = out.resolve("single");
        List<String> flags = new ArrayList<>(common);
        flags.add("-Xmx" + heap);
        try (ChildJvms children = new ChildJvms(dir, flags)) {
            Path result = dir.resolve("result.json");
            List<String> childArgs = new ArrayList<>(settings.toArgs());
            childArgs.addAll(List.of("--result", result.toString()));
            log("single JVM run (-Xmx" + heap + "), log " + children.log("single"));
            Process child = children.start("single", List.of(), SingleJvmRound.class.getName(), childArgs);
            children.awaitSuccess(child, "single", 3600);
            return new ObjectMapper().readValue(result.toFile(), RoundRun.class);
        }
    }

    private static RoundRun processes(RoundSettings settings, Path out, List<String> common, String heap) throws Exception {
        Path dir = out.resolve("processes");
        List<String> flags = new ArrayList<>(common);
        flags.add("-Xmx" + heap);
        TensorLayout layout = ModelLayout.load(ModelLayout.defaultPath());
        int[] elements = ModelLayout.sizes(layout);
        long[] shardBytes = ShardShares.bytes(elements, ShardShares.assign(elements, settings.shards()), settings.shards());
        try (ChildJvms children = new ChildJvms(dir, flags)) {
            log("optimizer timing in a child JVM (-Xmx" + heap + ")");
            Process timing = children.start("optimizer", List.of(), OptimizerTiming.class.getName(), List.of(
                    String.valueOf(settings.shards()), String.valueOf(settings.workers()),
                    String.valueOf(settings.optimizerWarmup()), String.valueOf(settings.optimizerReps())));
            children.awaitSuccess(timing, "optimizer", 600);
            OptimizerTiming.Timings timings = OptimizerTiming.parse(children.lines("optimizer"), settings.shards());

            List<Double> rawBefore = raw(children, "raw-before", settings, elements);
            RawLoopback.Timed rawPerShardBefore = raw(children, "raw-per-shard-before", settings, elements,
                    settings.shards());

            log("multi-process cluster: coordinator+ps, " + (settings.shards() - 1) + " ps, " + settings.workers()
                    + " worker processes");
            int port = ChildJvms.freePort();
            String main = RoundNode.class.getName();
            List<String> base = settings.toArgs();
            Process coordinator = children.start("coordinator", List.of(), main, concat(base, "--role", "coordinator",
                    "--port", String.valueOf(port)));
            List<Process> ps = new ArrayList<>();
            for (int i = 1; i < settings.shards(); i++) {
                ps.add(children.start("ps" + i, List.of(), main, concat(base, "--role", "ps", "--join",
                        String.valueOf(port))));
            }
            List<Process> workers = new ArrayList<>();
            for (int w = 0; w < settings.workers(); w++) {
                workers.add(children.start("worker" + w, List.of(), main, concat(base, "--role", "worker", "--join",
                        String.valueOf(port), "--worker", String.valueOf(w))));
            }
            for (int w = 0; w < workers.size(); w++) {
                children.awaitSuccess(workers.get(w), "worker" + w, 3600);
            }
            children.awaitSuccess(coordinator, "coordinator", 300);
            ps.forEach(Process::destroy);
            for (Process p : ps) {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            RoundEvents events = new RoundEvents();
            Map<Integer, String> nodeOfShard = new TreeMap<>();
            List<String> names = new ArrayList<>(List.of("coordinator"));
            for (int w = 0; w < settings.workers(); w++) {
                names.add("worker" + w);
            }
            List<String> processes = new ArrayList<>(names);
            for (int i = 1; i < settings.shards(); i++) {
                processes.add("ps" + i);
            }
            for (String name : processes) {
                for (String line : children.lines(name)) {
                    int at = line.indexOf(RoundEvents.PREFIX + "placement ");
                    if (at >= 0) {
                        String[] fields = line.substring(at).trim().split("\\s+");
                        nodeOfShard.put(Integer.parseInt(fields[2]), fields[3]);
                    } else {
                        events.parse(line);
                    }
                }
            }

            List<Double> rawAfter = raw(children, "raw-after", settings, elements);
            RawLoopback.Timed rawPerShard = rawPerShardBefore.then(raw(children, "raw-per-shard-after", settings,
                    elements, settings.shards()));
            RoundEvents.Rounds rounds = events.rounds(settings.warmup(), settings.steps() - 1);
            Map<String, List<Double>> intakeMs = events.intakeMs(nodeOfShard, settings.warmup(), settings.steps() - 1);
            Map<String, List<Double>> firstChunkMs = events.firstChunkMs(nodeOfShard, settings.warmup(),
                    settings.steps() - 1);
            long from = events.completedAt(settings.warmup() - 1).orElseThrow();
            long to = events.completedAt(settings.steps() - 1).orElseThrow();
            Map<String, Double> faultsPerRound = new TreeMap<>();
            for (String name : processes) {
                faultsPerRound.put(name.equals("coordinator") ? "coordinator+ps" : name, FaultSampler.faultsBetween(
                        FaultSampler.parse(children.lines(name)), from, to) / settings.rounds());
            }
            List<Long> bytes = new ArrayList<>();
            for (long b : shardBytes) {
                bytes.add(b);
            }
            return new RoundRun("processes (coordinator+ps, ps and one JVM per worker, -Xmx" + heap + " each)",
                    settings.workers(), settings.shards(), ModelLayout.bytes(layout), bytes, nodeOfShard,
                    rounds.roundMs(), rounds.pushMs(), rounds.pullMs(), intakeMs, firstChunkMs,
                    events.startSpreadMs(settings.warmup(), settings.steps() - 1), rawBefore, rawAfter,
                    rawPerShard.msPerReceiver(), rawPerShard.spansNanos(), List.of(),
                    settings.workers() * ModelLayout.bytes(layout), timings.optimizerMs(), timings.parts(),
                    faultsPerRound, events.roundBounds(settings.warmup(), settings.steps() - 1), List.of(), "");
        }
    }

    /** Raw loopback across processes: one receiver JVM, one sender JVM per worker. */
    private static List<Double> raw(ChildJvms children, String name, RoundSettings settings, int[] elements)
            throws Exception {
        return raw(children, name, settings, elements, 1).msPerReceiver().get(0);
    }

    /**
     * Raw loopback across processes: one JVM with {@code receivers} discard receivers on one clock, as
     * many ps nodes, and one sender JVM per worker connected to each. @return the measured repetitions
     */
    private static RawLoopback.Timed raw(ChildJvms children, String name, RoundSettings settings, int[] elements,
            int receivers) throws Exception {
        FrameSettings frames = FrameSettings.fromConfig(RoundCluster.config(0, List.of(), 1, false));
        long inFlight = RoundCluster.maxBytesInFlight(RoundCluster.config(0, List.of(), 1, false));
        List<int[]> framesPerReceiver = RawLoopback.framesPerReceiver(elements, receivers, frames.chunkBytes());
        List<String> perSender = framesPerReceiver.stream().map(f -> String.valueOf(RawLoopback.bytes(f))).toList();
        int reps = settings.rawWarmup() + settings.rawReps();
        log("raw loopback across processes (" + name + ")");
        String main = RawLoopback.class.getName();
        String receiver = name + "-receiver";
        Process receiverProcess = children.start(receiver, List.of(), main, List.of("receivers",
                String.valueOf(settings.workers()), String.valueOf(reps),
                String.valueOf(2 * Runtime.getRuntime().availableProcessors()), String.join(",", perSender)));
        String portsLine = children.awaitLine(receiverProcess, receiver, RawLoopback.PREFIX + "ports ", 120);
        String ports = portsLine.substring(portsLine.lastIndexOf(' ') + 1).trim();
        List<Process> senders = new ArrayList<>();
        for (int s = 0; s < settings.workers(); s++) {
            senders.add(children.start(name + "-sender" + s, List.of(), main, List.of("sender", ports,
                    String.valueOf(reps), String.valueOf(inFlight), String.valueOf(frames.chunkBytes()), "2")));
        }
        for (int s = 0; s < senders.size(); s++) {
            children.awaitSuccess(senders.get(s), name + "-sender" + s, 600);
        }
        children.awaitSuccess(receiverProcess, receiver, 60);
        List<List<Double>> perReceiver = new ArrayList<>();
        for (int r = 0; r < receivers; r++) {
            perReceiver.add(new ArrayList<>());
        }
        String msPrefix = RawLoopback.PREFIX + "ms ";
        String boundPrefix = RawLoopback.PREFIX + "bound ";
        List<Long> bounds = new ArrayList<>();
        for (String line : children.lines(receiver)) {
            if (line.startsWith(msPrefix)) {
                String[] fields = line.substring(msPrefix.length()).trim().split("\\s+");
                perReceiver.get(Integer.parseInt(fields[0])).add(Double.parseDouble(fields[1]));
            } else if (line.startsWith(boundPrefix)) {
                bounds.add(Long.parseLong(line.substring(boundPrefix.length()).trim()));
            }
        }
        for (int r = 0; r < receivers; r++) {
            List<Double> ms = perReceiver.get(r);
            if (ms.size() != reps) {
                throw new IllegalStateException(name + ": expected " + reps + " repetitions of receiver " + r
                        + ", it reported " + ms.size());
            }
        }
        if (bounds.size() != reps + 1) {
            throw new IllegalStateException(name + ": expected " + (reps + 1) + " repetition bounds, got " + bounds.size());
        }
        return RawLoopback.Timed.of(perReceiver, bounds).measured(settings.rawWarmup());
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    static void log(String what) {
        System.out.printf(Locale.ROOT, "[round %tT] %s%n", System.currentTimeMillis(), what);
        System.out.flush();
    }
}
