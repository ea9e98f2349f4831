package io.larcps.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code larcps sweep} end to end on the synthetic model: 2 batches x 2 optimizers x 1 seed, a few steps each. */
class SweepCommandTest {
    private static final List<String> GRID = List.of("sweep", "--quick", "--model", "synthetic-mlp",
            "--synthetic-samples", "1024", "--batches", "64,128", "--optimizers", "sgd,larc:0.02", "--seeds", "1",
            "--epochs", "2", "--warmup-epochs", "0.5");

    @TempDir
    Path dir;

    /** Runs larcps with stdout and stderr captured; returns exit code, out and err. */
    private record Outcome(int code, String out, String err) {
    }

    private static Outcome larcps(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Larcps.run(args.toArray(String[]::new));
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    private static List<String> with(List<String> base, String... extra) {
        List<String> args = new ArrayList<>(base);
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void aQuickSweepWritesTheTableAndThePlotsAndASecondInvocationRunsNothing() throws IOException {
        Path out = dir.resolve("sweep");
        Outcome first = larcps(with(GRID, "--out", out.toString()));
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("[1/4] batch 64, sgd, seed 42", "[4/4] batch 128, larc trust 0.02, seed 42",
                "after 32 steps (epoch 2.000)");

        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        assertThat(lines.get(0)).isEqualTo("batch,optimizer,trust,seed,model,workers,shards,peak_lr,epochs,steps,"
                + "final_test_accuracy,best_test_accuracy,final_test_loss,wall_seconds,samples_per_second,"
                + "refused_gradients,run_dir");
        assertThat(lines).hasSize(5);
        Map<String, String[]> rows = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            assertThat(f).hasSize(17);
            rows.put(f[0] + "/" + f[1] + f[2], f);
            assertThat(f[3]).isEqualTo("42");
            assertThat(f[4]).isEqualTo("synthetic-mlp");
            assertThat(f[8]).isEqualTo("2");
            assertThat(Double.parseDouble(f[10])).isBetween(0.0, 1.0);
            assertThat(Double.parseDouble(f[11])).isGreaterThanOrEqualTo(Double.parseDouble(f[10]));
            assertThat(f[12]).as("synthetic-mlp has no test loss").isEmpty();
            assertThat(Double.parseDouble(f[13])).isPositive();
            assertThat(Double.parseDouble(f[14])).isPositive();
            assertThat(out.resolve(f[16]).resolve("report.json")).isNotEmptyFile();
        }
        assertThat(rows).containsOnlyKeys("64/sgd", "64/larc0.02", "128/sgd", "128/larc0.02");
        // 1024 samples: 16 steps per epoch at 64, 8 at 128; peak lr 0.1 x batch / 256.
        assertThat(rows.get("64/sgd")[9]).isEqualTo("32");
        assertThat(rows.get("128/larc0.02")[9]).isEqualTo("16");
        assertThat(Double.parseDouble(rows.get("64/sgd")[7])).isEqualTo(0.025);
        assertThat(Double.parseDouble(rows.get("128/sgd")[7])).isEqualTo(0.05);
        assertThat(rows.get("128/larc0.02")[16]).isEqualTo("runs/b128-larc0.02-seed42");

        String md = Files.readString(out.resolve("results.md"));
        assertThat(md).contains("Command: `larcps sweep --quick --model synthetic-mlp", "--optimizers sgd,larc:0.02",
                "Machine: " + Runtime.getRuntime().availableProcessors() + " processors", "Java", "\u0394 vs 64",
                "| sgd | 64 | 0.025 | 32 | 1 |", "| larc trust 0.02 | 128 | 0.05 | 16 | 1 |", "## As in the study",
                "## Against momentum SGD at the same batch", "Every run of the grid is done", "![accuracy-vs-batch]");
        for (String optimizer : List.of("sgd", "larc0.02")) {
            double small = Double.parseDouble(rows.get("64/" + optimizer)[10]);
            double large = Double.parseDouble(rows.get("128/" + optimizer)[10]);
            String label = optimizer.equals("sgd") ? "sgd" : "larc trust 0.02";
            assertThat(md)
                    .contains(String.format(Locale.ROOT, "| %s | %.2f | %.2f (%+.2f) |", label, 100 * small,
                            100 * large, 100 * large - 100 * small));
        }

        for (String png : List.of("accuracy-vs-batch.png", "accuracy-per-epoch.png", "larc-local-lr.png")) {
            BufferedImage image = ImageIO.read(out.resolve(png).toFile());
            assertThat(image).as(png).isNotNull();
            assertThat(image.getWidth()).as(png).isBetween(600, 4000);
            assertThat(image.getHeight()).as(png).isBetween(400, 3000);
        }

        Map<Path, FileTime> stamps = new HashMap<>();
        for (String[] row : rows.values()) {
            Path report = out.resolve(row[16]).resolve("report.json");
            stamps.put(report, Files.getLastModifiedTime(report));
        }
        Outcome second = larcps(with(GRID, "--out", out.toString()));
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("[3/4] batch 128, sgd, seed 42: in results.csv already, skipped",
                "4 runs in the grid, 0 ran now, 4 from earlier, 0 failed").doesNotContain("training synthetic-mlp");
        for (Map.Entry<Path, FileTime> stamp : stamps.entrySet()) {
            assertThat(Files.getLastModifiedTime(stamp.getKey())).isEqualTo(stamp.getValue());
        }
        assertThat(Files.readAllLines(out.resolve("results.csv"))).isEqualTo(lines);
        assertThat(out.resolve("results.md")).isNotEmptyFile();

        List<String> longer = new ArrayList<>(GRID);
        longer.set(GRID.indexOf("--epochs") + 1, "3");
        Outcome other = larcps(with(longer, "--out", out.toString()));
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err().lines().findFirst().orElseThrow()).contains("holds a sweep with other settings",
                "epochs 2 there, 3 here");
    }

    @Test
    void badFlagsAreOneLineAndExitCodeTwoBeforeAnythingRuns() {
        Path out = dir.resolve("bad");
        List<String> base = List.of("sweep", "--quick", "--model", "synthetic-mlp", "--synthetic-samples", "8192",
                "--epochs", "2", "--out", out.toString());
        assertBad(with(base, "--optimizers", "sgd,adam"), "--optimizers item 'adam' is not sgd, larc[:TRUST] or lars[:TRUST]");
        assertBad(with(base, "--optimizers", "larc:high"), "trust 'high' is not a number");
        assertBad(with(base, "--optimizers", "sgd:0.1"), "'sgd:0.1' is not");
        assertBad(with(base, "--optimizers", "larc:0.02,larc:2e-2"), "names larc:0.02 twice");
        assertBad(with(base, "--batches", "64,96", "--workers", "3"), "batch 64 does not divide by --workers 3");
        assertBad(with(base, "--batches", "64,16384"), "batch 16384 is larger than the 8192");
        assertBad(with(base, "--warmup-epochs", "5"), "--warmup-epochs must be in [0, --epochs]");
        assertBad(with(base, "--batches", "64,big"), "'big'");
        assertBad(base.subList(0, base.size() - 2), "Missing required option: '--out=DIR'");
        assertThat(out).doesNotExist();
    }

    private static void assertBad(List<String> args, String message) {
        Outcome outcome = larcps(args);
        assertThat(outcome.code()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(outcome.err().lines().findFirst().orElseThrow()).startsWith("larcps: ").contains(message);
        assertThat(outcome.err()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(outcome.out()).doesNotContain("training ");
    }

    @Test
    void helpExplainsTheExperimentAndTheGrammar() {
        Outcome help = larcps(List.of("sweep", "--help"));
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("linear scaling", "--batches", "--optimizers", "larc[:TRUST]", "--quick",
                "--warmup-epochs", "--seeds", "results.csv");
        Outcome top = larcps(List.of("--help"));
        assertThat(top.out()).contains("sweep");
    }
}
