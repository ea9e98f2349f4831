package io.larcps.deploy.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outputs of a sweep still under way: cells missing, run reports gone. */
class SweepOutputsTest {

    @TempDir
    Path dir;

    @Test
    void aPartialGridStillGivesTheTableAndTheBatchPlotAndNamesWhatIsMissing() throws IOException {
        OptimizerChoice sgd = OptimizerChoice.parse("sgd");
        OptimizerChoice larc = OptimizerChoice.parse("larc:0.02");
        List<SweepRun> plan = List.of(new SweepRun(256, sgd, 1), new SweepRun(256, larc, 1),
                new SweepRun(1024, sgd, 1), new SweepRun(1024, larc, 1), new SweepRun(256, sgd, 2));
        ResultsCsv.write(dir, List.of(row(plan.get(0), 0.88), row(plan.get(1), 0.87), row(plan.get(2), 0.86),
                row(plan.get(4), 0.90)));
        SweepSettings settings = new SweepSettings("mlp", "/data", 4096, 64, 2, 0.5, 0.1, 256, "cosine", 0.9, 5e-4,
                "clip", 1, 1);

        SweepOutputs.rebuild(dir, settings, plan, "larcps sweep --out x", 12.0, 0);

        String md = Files.readString(dir.resolve("results.md"));
        assertThat(md).contains("Not done (failed or not run yet): batch 1024, larc trust 0.02, seed 1.",
                "| sgd | 256 | 0.1 | 100 | 2 | 89.00 \u00b1 1.41 [88.00..90.00] |",
                "| sgd | 89.00 | 86.00 (-3.00) |", "| larc trust 0.02 | 87.00 | \u2014 |");
        assertThat(ImageIO.read(dir.resolve("accuracy-vs-batch.png").toFile())).isNotNull();
        // No run has its report.json here: the per-epoch and LARC plots have nothing to draw.
        assertThat(dir.resolve("accuracy-per-epoch.png")).doesNotExist();
        assertThat(dir.resolve("larc-local-lr.png")).doesNotExist();
    }

    private static RunResult row(SweepRun run, double accuracy) {
        return new RunResult(run, "mlp", 1, 1, 0.1 * run.batch() / 256, 2, 100, accuracy, accuracy, 0.4, 3.0, 1000.0,
                0, "runs/" + run.directoryName());
    }
}
