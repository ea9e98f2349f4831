package io.larcps.bench.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.larcps.bench.Args;
import io.larcps.bench.ChildJvms;
import io.larcps.bench.optim.Layout;
import io.larcps.deploy.Larcps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Drives the training benchmark (see {@code bench/train.sh --help}): each run in a fresh child JVM with
 * identical JVM flags, one after the other.
 * <ul>
 *   <li>(a) {@code larcps train --model mlp --workers 1 --shards 1 --global-batch 256}, the real launcher
 *       ({@link Larcps#main}) with its embedded cluster;</li>
 *   <li>(b) the same with {@code --workers 2 --shards 2};</li>
 *   <li>(c) {@link PlainDl4jFit}: the same network and batches through DL4J's {@code fit(DataSet)}.</li>
 * </ul>
 * Steady state for (a) and (b) comes from report.json: the differences of the per-epoch {@code seconds}
 * (stamped when each epoch's evaluation finishes, which runs beside training); for (c) from the epoch
 * ends the run stamps itself. The first epoch (start-up, cluster formation, JIT) is left out of both.
 */
public final class TrainBench {
    private TrainBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("--epochs", "--out", "--heap", "--data", "--runs", "--updater", "--seed",
                "--repeats", "--warmup-epochs", "--nd4j-threads"),
                List.of("--quick", "--fail-on-miss", "--final-evaluation-only"));
        boolean quick = args.flag("--quick");
        int epochs = args.integer("--epochs", quick ? 2 : 10);
        int warmupEpochs = args.integer("--warmup-epochs", quick ? 1 : 2);
        int repeats = args.integer("--repeats", quick ? 1 : 2);
        if (warmupEpochs < 1 || epochs <= warmupEpochs) {
            throw new IllegalArgumentException("--epochs (" + epochs + ") must exceed --warmup-epochs (" + warmupEpochs
                    + "), which is at least 1");
        }
        Path out = Files.createDirectories(Path.of(args.string("--out", "bench/target/train")));
        Path data = Path.of(args.string("--data", "/usr/share/datasets/fashion-mnist"));
        String seed = args.string("--seed", "42");
        if (quick) {
            data = FashionSubset.write(data, out.resolve("quick-data"), 12_800, 2_000);
        }
        List<String> runs = List.of(args.string("--runs", "a,b,c").split(","));
        String cachedir = Layout.buildProperties().getProperty("javacpp.cachedir");
        List<String> flags = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector", "-Xmx" + args.string("--heap", "3g"),
                "-Dorg.bytedeco.javacpp.cachedir=" + cachedir));
        java.util.Map<String, String> environment = new java.util.TreeMap<>();
        if (args.has("--nd4j-threads")) {
            // The project's own knob (Nd4jRuntime) and OpenMP's/OpenBLAS's, which the Java-side cap alone does not tame.
            String threads = String.valueOf(args.integer("--nd4j-threads", 0));
            flags.add("-Dlarcps.nd4j.threads=" + threads);
            environment.put("OMP_NUM_THREADS", threads);
            environment.put("OPENBLAS_NUM_THREADS", threads);
        }

        System.out.println("Machine: " + ChildJvms.machine());
        String setting = "JVM flags of every run: " + String.join(" ", flags) + "; environment " + (environment.isEmpty()
                ? "OMP_NUM_THREADS=" + System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)") : environment)
                + "; data " + data + "; " + epochs + " epochs, the first " + warmupEpochs + " left out; " + repeats
                + " repeat(s) of " + runs;
        System.out.println(setting);
        List<TrainRun> results = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        try (ChildJvms children = new ChildJvms(out, flags, environment)) {
            for (int repeat = 1; repeat <= repeats; repeat++) {
                String suffix = repeats > 1 ? "-" + repeat : "";
                for (String run : runs) {
                    String before = ChildJvms.loadAverage();
                    switch (run.trim()) {
                        case "a" -> results.add(larcps(children, out, "a", suffix, 1, 1, epochs, data, seed));
                        case "b" -> results.add(larcps(children, out, "b", suffix, 2, 2, epochs, data, seed));
                        case "c" -> results.add(plain(children, out, suffix, epochs, data, seed,
                                args.string("--updater", "nesterovs"), args.flag("--final-evaluation-only")));
                        default -> throw new IllegalArgumentException("--runs takes a, b and c, got '" + run + "'");
                    }
                    conditions.add("(" + run.trim() + suffix + ") load average " + before + " at the start, "
                            + ChildJvms.loadAverage() + " at the end");
                    if (!run.trim().equals("c")) {
                        conditions.add(workerTime(run.trim() + suffix, out.resolve(run.trim() + suffix), warmupEpochs));
                    }
                }
            }
        }
        TrainReport report = new TrainReport(results, warmupEpochs);
        String body = report.text() + String.join("\n", conditions) + "\n";
        String text = "Machine: " + ChildJvms.machine() + "\n" + setting + "\n" + body;
        System.out.print("\n" + body);
        Files.writeString(out.resolve("train.txt"), text);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.resolve("train.json").toFile(), results);
        System.out.println("\nwrote " + out.resolve("train.txt") + ", " + out.resolve("train.json") + " and logs in " + out);
        boolean pass = (!runs.contains("a") || report.passes("a")) && (!runs.contains("b") || report.passes("b"));
        System.exit(args.flag("--fail-on-miss") && !pass ? 1 : 0);
    }

    private static TrainRun larcps(ChildJvms children, Path out, String name, String suffix, int workers, int shards,
            int epochs, Path data, String seed) throws Exception {
        Path dir = out.resolve(name + suffix);
        deleteReport(dir);
        log("(" + name + ") larcps train --workers " + workers + " --shards " + shards + ", log "
                + children.log(name + suffix));
        Process process = children.start(name + suffix, List.of(), Larcps.class.getName(), List.of("train", "--model", "mlp",
                "--workers", String.valueOf(workers), "--shards", String.valueOf(shards), "--global-batch", "256",
                "--epochs", String.valueOf(epochs), "--data", data.toString(), "--seed", seed, "--out", dir.toString()));
        children.awaitSuccess(process, name + suffix, 7200);
        return fromReport(name, "larcps train " + workers + " worker" + (workers > 1 ? "s" : "") + " x " + shards
                + " shard" + (shards > 1 ? "s" : "") + " (embedded)", new ObjectMapper().readTree(dir.resolve("report.json")
                .toFile()));
    }

    /**
     * Where rank 0's time went per step, from its report.json: over the whole run, and over the
     * steady epochs (after the first {@code warmupEpochs}) from the cumulative times each epoch records.
     */
    static String workerTime(String name, Path dir, int warmupEpochs) throws IOException {
        JsonNode report = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        long stepsPerEpoch = report.path("config").path("steps_per_epoch").asLong();
        List<JsonNode> epochEnds = new ArrayList<>();
        for (JsonNode epoch : report.path("epochs")) {
            if (epoch.path("steps").asLong() % stepsPerEpoch == 0 && epoch.has("rank0_time")) {
                epochEnds.add(epoch.path("rank0_time"));
            }
        }
        String whole = split(report.path("rank0_time"), null);
        String steady = epochEnds.size() > warmupEpochs
                ? split(epochEnds.get(epochEnds.size() - 1), epochEnds.get(warmupEpochs - 1)) : "n/a";
        return "(" + name + ") rank 0 per step: steady " + steady + "; whole run " + whole;
    }

    /** compute / push / pull / waiting in ms per step between two cumulative readings ({@code from} null: zero). */
    private static String split(JsonNode to, JsonNode from) {
        String[] names = {"steps", "compute_seconds", "push_seconds", "pull_seconds", "waiting_seconds"};
        double steps = to.path(names[0]).asDouble() - (from == null ? 0 : from.path(names[0]).asDouble());
        double[] ms = new double[4];
        for (int i = 0; i < 4; i++) {
            ms[i] = 1e3 * (to.path(names[i + 1]).asDouble() - (from == null ? 0 : from.path(names[i + 1]).asDouble()))
                    / Math.max(1, steps);
        }
        return String.format(Locale.ROOT, "compute %.2f ms, push %.2f, pull (incl. the shards' step) %.2f, waiting"
                + " to start %.2f", ms[0], ms[1], ms[2], ms[3]);
    }

    /** A larcps report.json as a {@link TrainRun}: one epoch end per evaluation after a whole epoch. */
    static TrainRun fromReport(String name, String label, JsonNode report) {
        JsonNode config = report.path("config");
        long stepsPerEpoch = config.path("steps_per_epoch").asLong();
        List<Double> ends = new ArrayList<>();
        for (JsonNode epoch : report.path("epochs")) {
            if (epoch.path("steps").asLong() % stepsPerEpoch == 0) {
                ends.add(epoch.path("seconds").asDouble());
            }
        }
        return new TrainRun(name, label, stepsPerEpoch, config.path("global_batch").asInt(), ends,
                report.path("wall_seconds").asDouble(Double.NaN), report.path("final_test_accuracy").asDouble(Double.NaN));
    }

    private static TrainRun plain(ChildJvms children, Path out, String suffix, int epochs, Path data, String seed,
            String updater, boolean finalEvaluationOnly) throws Exception {
        Path result = out.resolve("c" + suffix + ".json");
        Files.deleteIfExists(result);
        log("(c) plain DL4J fit, log " + children.log("c" + suffix));
        List<String> arguments = new ArrayList<>(List.of("--data", data.toString(), "--epochs", String.valueOf(epochs),
                "--seed", seed, "--global-batch", "256", "--updater", updater, "--result", result.toString()));
        if (finalEvaluationOnly) {
            arguments.add("--final-evaluation-only");
        }
        Process process = children.start("c" + suffix, List.of(), PlainDl4jFit.class.getName(), arguments);
        children.awaitSuccess(process, "c" + suffix, 7200);
        return new ObjectMapper().readValue(result.toFile(), TrainRun.class);
    }

    private static void deleteReport(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve("report.json"));
    }

    static void log(String what) {
        System.out.printf(Locale.ROOT, "[train %tT] %s%n", System.currentTimeMillis(), what);
        System.out.flush();
    }
}
