package io.larcps.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.deploy.Larcps;
import io.larcps.proto.npy.NpyFiles;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.ScheduleSettings;
import io.larcps.worker.GradientSource;
import io.larcps.worker.synthetic.SyntheticMlp;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same job as separate OS processes on 127.0.0.1, started through the real {@code larcps}
 * launcher: coordinator with shards, a second ps node, two workers. Their final weights must be the
 * single-process reference's, bit for bit.
 */
class ProcessClusterTest {
    private static final int STEPS = 30;
    private final List<Process> processes = new ArrayList<>();

    /** Kept when a test fails: the processes' logs are there. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @AfterEach
    void stopEverything() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process launch(String name, String... args) throws IOException {
        return launch(name, List.of(), args);
    }

    private Process launch(String name, List<String> jvmFlags, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Xmx1g", "-XX:+UseSerialGC"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Larcps.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        processes.add(process);
        return process;
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    private void awaitExit(Process process, String name) throws Exception {
        boolean exited = process.waitFor(150, TimeUnit.SECONDS);
        assertThat(exited).as("%s exits in time; its log:%n%s", name, log(name)).isTrue();
        assertThat(process.exitValue()).as("%s exit code (every log is in %s); its log:%n%s", name, dir, log(name)).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void coordinatorTwoPsNodesAndTwoWorkerProcessesTrainToTheReferenceWeights() throws Exception {
        String seed = "127.0.0.1:" + freePort();
        String[] model = {"--model", "synthetic-mlp", "--synthetic-samples", "2048", "--seed", "7"};
        Process coordinator = launch("coordinator", concat(new String[] {"coordinator", "--with-ps", "--ps-nodes", "2",
                "--port", seed.split(":")[1], "--workers", "2", "--shards", "2", "--global-batch", "64",
                "--max-steps", String.valueOf(STEPS), "--warmup-steps", "5"}, model));
        launch("ps", "ps", "--join", seed);
        Process worker0 = launch("worker0", concat(new String[] {"worker", "--join", seed, "--batch", "32", "--out",
                dir.resolve("w0").toString()}, model));
        Process worker1 = launch("worker1", concat(new String[] {"worker", "--join", seed, "--batch", "32", "--out",
                dir.resolve("w1").toString()}, model));

        awaitExit(worker0, "worker0");
        awaitExit(worker1, "worker1");
        awaitExit(coordinator, "coordinator");
        assertThat(log("coordinator")).contains("job larcps completed: " + STEPS + " steps");

        IntFunction<GradientSource> source = rank -> new SyntheticMlp(2048, 32, 64, 10, 7);
        JobSpec job = new JobSpec("larcps", 2, 2, 64, STEPS, 2048, OptimizerSettings.apexLarc(0.02, 5e-4, 0.9),
                new ScheduleSettings("cosine", 0.1, 256, 64, 5, STEPS, 0, 2, 1000, 0.1));
        float[][] expected = ReferenceTraining.train(job, source);
        for (String worker : new String[] {"w0", "w1"}) {
            Path weights = dir.resolve(worker).resolve("weights");
            assertThat(weights.resolve("index.json")).exists();
            List<Path> files;
            try (Stream<Path> listing = Files.list(weights)) {
                files = listing.filter(p -> p.toString().endsWith(".npy")).sorted().toList();
            }
            assertThat(files).hasSize(expected.length);
            for (int t = 0; t < expected.length; t++) {
                assertThat(NpyFiles.read(files.get(t)).values()).as("%s tensor %d", worker, t).containsExactly(expected[t]);
            }
        }
    }

    @Test
    void fashionMnistOnTwoDevicesOfAWorkerProcessLearnsExactlyWhatTheEmbeddedRunLearns() throws Exception {
        String seed = "127.0.0.1:" + freePort();
        String[] job = {"--model", "mlp", "--max-steps", "40", "--global-batch", "256"};
        Process coordinator = launch("coordinator", concat(new String[] {"coordinator", "--with-ps", "--ps-nodes", "2",
                "--port", seed.split(":")[1], "--workers", "2", "--shards", "2"}, job));
        launch("ps", "ps", "--join", seed);
        // Three OS processes: the two workers are two devices of one worker process.
        Process workers = launch("workers", "worker", "--join", seed, "--model", "mlp", "--batch", "128",
                "--devices", "2", "--out", dir.resolve("w0").toString());
        awaitExit(workers, "workers");
        awaitExit(coordinator, "coordinator");
        assertThat(log("coordinator")).contains("job larcps completed: 40 steps");

        Path embedded = dir.resolve("embedded");
        assertThat(Larcps.run(concat(new String[] {"train", "--workers", "2", "--shards", "2", "--out",
                embedded.toString()}, job))).isZero();
        List<Path> processFiles = npyFiles(dir.resolve("w0").resolve("weights"));
        List<Path> embeddedFiles = npyFiles(embedded.resolve("weights"));
        assertThat(processFiles).hasSize(4).hasSameSizeAs(embeddedFiles);
        for (int t = 0; t < processFiles.size(); t++) {
            assertThat(NpyFiles.read(processFiles.get(t)).values()).as("tensor %d", t)
                    .containsExactly(NpyFiles.read(embeddedFiles.get(t)).values());
        }
    }

    @Test
    void killingAPsProcessMidJobCostsAReplayAndNotTheWeights() throws Exception {
        int steps = 3000;
        String seed = "127.0.0.1:" + freePort();
        String[] model = {"--model", "synthetic-mlp", "--synthetic-samples", "2048", "--seed", "7"};
        Process coordinator = launch("coordinator", concat(new String[] {"coordinator", "--with-ps", "--ps-nodes", "2",
                "--port", seed.split(":")[1], "--workers", "1", "--shards", "2", "--global-batch", "64",
                "--max-steps", String.valueOf(steps), "--warmup-steps", "5", "--checkpoint-dir",
                dir.resolve("checkpoints").toString(), "--checkpoint-every", "100"}, model));
        Process ps = launch("ps", "ps", "--join", seed);
        // Noticing the loss takes the cluster about 15 s here; leave a loaded CI machine room.
        Process worker = launch("worker", List.of("-Dlarcps.worker.recovery-timeout=150s"), concat(new String[] {"worker",
                "--join", seed, "--batch", "64", "--out", dir.resolve("w0").toString()}, model));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // 32 steps per epoch: by the end of epoch 8 (step 256) the checkpoint of version 200 is written.
        while (!log("coordinator").contains("epoch 8/") && System.nanoTime() < deadline) {
            assertThat(coordinator.isAlive()).as("coordinator still running; its log:%n%s", log("coordinator")).isTrue();
            Thread.sleep(50);
        }
        ps.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        awaitExit(worker, "worker");
        awaitExit(coordinator, "coordinator");
        assertThat(log("coordinator")).contains("job rewound to version").contains("every shard rolls back to version")
                .contains("job larcps completed: " + steps + " steps");
        IntFunction<GradientSource> source = rank -> new SyntheticMlp(2048, 32, 64, 10, 7);
        JobSpec job = new JobSpec("larcps", 1, 2, 64, steps, 2048, OptimizerSettings.apexLarc(0.02, 5e-4, 0.9),
                new ScheduleSettings("cosine", 0.1, 256, 64, 5, steps, 0, 2, 1000, 0.1));
        float[][] expected = ReferenceTraining.train(job, source);
        List<Path> files = npyFiles(dir.resolve("w0").resolve("weights"));
        assertThat(files).hasSize(expected.length);
        for (int t = 0; t < expected.length; t++) {
            assertThat(NpyFiles.read(files.get(t)).values()).as("tensor %d", t).containsExactly(expected[t]);
        }
    }

    private static List<Path> npyFiles(Path directory) throws IOException {
        try (Stream<Path> listing = Files.list(directory)) {
            return listing.filter(p -> p.toString().endsWith(".npy")).sorted().toList();
        }
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

}
