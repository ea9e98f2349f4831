package io.larcps.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's contract with its users: help that helps, one-line errors and exit code 2 for bad flags. */
class LarcpsCommandLineTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheCommandsAndEachCommandExplainsItsFlags() {
        assertThat(Larcps.run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("coordinator", "ps", "worker");
        out.reset();
        assertThat(Larcps.run("coordinator", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--trust", "--global-batch", "--warmup-steps", "--join",
                "--checkpoint-dir", "--resume", "--metrics-port");
    }

    @Test
    void anUnknownFlagIsOneLineAndExitCodeTwo() {
        assertThat(Larcps.run("worker", "--batch", "8", "--frobnicate")).isEqualTo(2);
        assertThat(err()).contains("larcps: Unknown option: '--frobnicate'").doesNotContain("at io.larcps");
    }

    @Test
    void invalidValuesAreRefusedBeforeAnythingStarts() {
        assertThat(Larcps.run("coordinator", "--workers", "3", "--global-batch", "64")).isEqualTo(2);
        assertThat(err()).contains("does not divide by --workers 3").doesNotContain("Exception");
        err.reset();
        assertThat(Larcps.run("coordinator", "--optimizer", "adam")).isEqualTo(2);
        assertThat(err()).contains("--optimizer must be larc, lars or sgd");
        err.reset();
        assertThat(Larcps.run("coordinator", "--momentum", "1.5")).isEqualTo(2);
        assertThat(err()).contains("momentum must be in [0, 1)");

        assertThat(Larcps.run("coordinator", "--checkpoint-dir", "/tmp/x", "--checkpoint-every", "0")).isEqualTo(2);
        assertThat(err()).contains("--checkpoint-every must be >= 1, got 0");
        err.reset();
        assertThat(Larcps.run("worker", "--batch", "8", "--model", "gpt")).isEqualTo(2);
        assertThat(err()).contains("--model 'gpt' is unknown");
        err.reset();
        assertThat(Larcps.run("worker", "--batch", "8", "--join", "nonsense")).isEqualTo(2);
        assertThat(err()).contains("--join 'nonsense' is not HOST:PORT");
        err.reset();
        assertThat(Larcps.run("ps", "--metrics-port", "70000")).isEqualTo(2);
        assertThat(err()).contains("--metrics-port must be 0 (the OS chooses) or a port up to 65535, got 70000");
    }

    @Test
    void resumingNeedsADirectoryWithACompleteCheckpointOfTheJob(@TempDir Path empty) {
        assertThat(Larcps.run("coordinator", "--model", "synthetic-mlp", "--resume")).isEqualTo(2);
        assertThat(err()).contains("--resume needs --checkpoint-dir");
        err.reset();
        assertThat(Larcps.run("coordinator", "--model", "synthetic-mlp", "--job-id", "mine", "--resume",
                "--checkpoint-dir", empty.toString())).isEqualTo(2);
        assertThat(err()).contains("--resume: " + empty + " holds no complete checkpoint of job mine")
                .doesNotContain("Exception");
    }

    @Test
    void aCheckpointDirectoryIsResumedNotOverwrittenAndOnlyWhileStepsAreLeft(@TempDir Path root) throws IOException {
        Path version = Files.createDirectories(root.resolve("mine").resolve("version-200"));
        Files.writeString(version.resolve("MANIFEST"), "");
        String[] job = {"coordinator", "--model", "synthetic-mlp", "--job-id", "mine", "--checkpoint-dir", root.toString()};

        assertThat(Larcps.run(job)).isEqualTo(2);
        assertThat(err()).contains("already holds checkpoints of job mine (the last complete one is version 200): "
                + "add --resume");
        err.reset();
        assertThat(Larcps.run(concat(job, "--resume", "--max-steps", "200"))).isEqualTo(2);
        assertThat(err()).contains("--resume: the checkpoint of version 200 is at or past the job's 200 steps");
        err.reset();
        assertThat(Larcps.run(concat(job, "--resume", "--async"))).isEqualTo(2);
        assertThat(err()).contains("--resume: asynchronous jobs are not checkpointed");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
