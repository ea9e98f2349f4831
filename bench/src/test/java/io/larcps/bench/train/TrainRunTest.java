package io.larcps.bench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainRunTest {

    @Test
    void steadyStateLeavesTheFirstEpochOut() {
        // 100 steps of 256 per epoch; the first epoch ends at 30 s (start-up), the next two take 10 s and 12 s
        TrainRun run = new TrainRun("a", "test", 100, 256, List.of(30.0, 40.0, 52.0), 60.0, 0.85);
        assertThat(run.steadySamplesPerSecond(1)).isCloseTo(2 * 100 * 256 / 22.0, within(1e-9));
        assertThat(run.epochSamplesPerSecond(1)).containsExactly(2560.0, 25600 / 12.0);
        // two warm-up epochs leave only the last
        assertThat(run.steadySamplesPerSecond(2)).isCloseTo(100 * 256 / 12.0, within(1e-9));
        assertThat(run.epochSamplesPerSecond(2)).containsExactly(25600 / 12.0);
        assertThatThrownBy(() -> run.steadySamplesPerSecond(3)).hasMessageContaining("none to measure");
    }

    @Test
    void ratiosAgainstPlainDl4j() {
        TrainRun a = new TrainRun("a", "a", 100, 256, List.of(0.0, 10.0), Double.NaN, 0.8);
        TrainRun b = new TrainRun("b", "b", 100, 256, List.of(0.0, 20.0), Double.NaN, 0.8);
        TrainRun c = new TrainRun("c", "c", 100, 256, List.of(5.0, 14.0), Double.NaN, 0.8);
        TrainRun c2 = new TrainRun("c", "c", 100, 256, List.of(5.0, 15.0), Double.NaN, 0.8);
        TrainReport single = new TrainReport(List.of(a, b, c), 1);
        assertThat(single.ratio("a")).isCloseTo(25600 / 10.0 / (25600 / 9.0), within(1e-12));
        // two runs of (c) at 25600/9 and 25600/10 samples/s: their mean is the reference
        TrainReport report = new TrainReport(List.of(a, b, c, c2), 1);
        assertThat(report.samplesPerSecond("c")).isCloseTo((25600 / 9.0 + 2560) / 2, within(1e-9));
        double plain = (25600 / 9.0 + 2560) / 2;
        assertThat(report.ratio("a")).isCloseTo(2560 / plain, within(1e-12));
        assertThat(report.passes("a")).isTrue();
        assertThat(report.ratio("b")).isCloseTo(1280 / plain, within(1e-12));
        assertThat(report.passes("b")).isFalse();
        assertThat(report.text()).contains("TARGET (a)/(c) >= 0.90: PASS (0.947)").contains("TARGET (b)/(c) >= 0.90: MISS")
                .contains("mean of 2 runs 2844, 2560");
    }

    @Test
    void readsLarcpsReportJson() throws Exception {
        String json = """
                {"config": {"global_batch": 256, "steps_per_epoch": 234, "steps": 702},
                 "epochs": [{"steps": 234, "epoch": 1.0, "loss": 0.5, "accuracy": 0.8, "seconds": 20.5},
                            {"steps": 468, "epoch": 2.0, "loss": 0.4, "accuracy": 0.84, "seconds": 30.5},
                            {"steps": 702, "epoch": 3.0, "loss": 0.4, "accuracy": 0.85, "seconds": 40.5}],
                 "wall_seconds": 41.0, "final_test_accuracy": 0.85}
                """;
        TrainRun run = TrainBench.fromReport("a", "larcps", new ObjectMapper().readTree(json));
        assertThat(run.epochEndSeconds()).containsExactly(20.5, 30.5, 40.5);
        assertThat(run.steadySamplesPerSecond(1)).isCloseTo(2 * 234 * 256 / 20.0, within(1e-9));
        assertThat(run.finalAccuracy()).isEqualTo(0.85);
        assertThat(run.wallSeconds()).isEqualTo(41.0);
    }

    @Test
    void rankZeroTimeSplitsIntoWholeRunAndSteadyEpochs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String json = """
                {"config": {"steps_per_epoch": 100},
                 "epochs": [{"steps": 100, "rank0_time": {"steps": 100, "compute_seconds": 2.0, "push_seconds": 0.5,
                                                          "pull_seconds": 1.0, "waiting_seconds": 0.1}},
                            {"steps": 200, "rank0_time": {"steps": 200, "compute_seconds": 2.8, "push_seconds": 0.6,
                                                          "pull_seconds": 1.2, "waiting_seconds": 0.12}}],
                 "rank0_time": {"steps": 200, "compute_seconds": 2.8, "push_seconds": 0.6, "pull_seconds": 1.2,
                                "waiting_seconds": 0.12}}
                """;
        java.nio.file.Files.writeString(dir.resolve("report.json"), json);

        assertThat(TrainBench.workerTime("a", dir, 1)).isEqualTo("(a) rank 0 per step: steady compute 8.00 ms,"
                + " push 1.00, pull (incl. the shards' step) 2.00, waiting to start 0.20; whole run compute 14.00 ms,"
                + " push 3.00, pull (incl. the shards' step) 6.00, waiting to start 0.60");
        assertThat(TrainBench.workerTime("a", dir, 2)).contains("steady n/a");
    }
}
