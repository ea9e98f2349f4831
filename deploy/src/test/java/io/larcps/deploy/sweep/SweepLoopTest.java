package io.larcps.deploy.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resuming and failing: what is in results.csv is never run again, what failed is never written. */
class SweepLoopTest {
    private static final SweepRun SMALL = new SweepRun(256, OptimizerChoice.parse("sgd"), 1);
    private static final SweepRun BROKEN = new SweepRun(1024, OptimizerChoice.parse("larc:0.02"), 1);
    private static final SweepRun LARGE = new SweepRun(4096, OptimizerChoice.parse("larc:0.001"), 1);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final List<SweepRun> trained = new ArrayList<>();
    private final List<Integer> rebuilds = new ArrayList<>();

    private static RunResult result(SweepRun run) {
        return new RunResult(run, "mlp", 1, 1, 0.1 * run.batch() / 256, 2, 100, 0.8, 0.81, 0.4, 3.0, 1000.0, 0,
                "runs/" + run.directoryName());
    }

    private SweepLoop.Tally sweep(boolean brokenFails) throws IOException {
        SweepLoop loop = new SweepLoop(dir, new PrintStream(printed, true, StandardCharsets.UTF_8));
        return loop.run(List.of(SMALL, BROKEN, LARGE), run -> {
            trained.add(run);
            if (brokenFails && run.equals(BROKEN)) {
                throw new IllegalStateException("the job failed: shard lost");
            }
            return result(run);
        }, rebuilds::add);
    }

    @Test
    void aFailedRunIsReportedLeftOutAndRetriedNextTimeWhileCompletedRunsAreNotRunAgain() throws IOException {
        ResultsCsv.write(dir, List.of(result(SMALL)));

        SweepLoop.Tally first = sweep(true);
        assertThat(first).isEqualTo(new SweepLoop.Tally(3, 1, 1, 1));
        assertThat(trained).containsExactly(BROKEN, LARGE);
        assertThat(ResultsCsv.read(dir)).extracting(RunResult::run).containsExactly(SMALL, LARGE);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("[1/3] batch 256, sgd, seed 1: in results.csv already, skipped",
                        "[2/3] batch 1024, larc trust 0.02, seed 1 FAILED: the job failed: shard lost",
                        "[3/3] batch 4096, larc trust 0.001, seed 1: done, final test accuracy 0.8000; 0 runs left");
        assertThat(rebuilds).containsExactly(1, 1);

        trained.clear();
        SweepLoop.Tally second = sweep(false);
        assertThat(second).isEqualTo(new SweepLoop.Tally(3, 1, 2, 0));
        assertThat(trained).containsExactly(BROKEN);
        assertThat(ResultsCsv.read(dir)).extracting(RunResult::run).containsExactly(SMALL, LARGE, BROKEN);
    }
}
