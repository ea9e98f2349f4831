package io.larcps.bench.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundReportTest {

    /** 2 workers, a 100 MB model over shards of 60 and 40 MB, raw 2 GB/s (200 MB in 100 ms), rounds of 300 ms. */
    private static RoundRun run(Map<Integer, String> nodes) {
        return new RoundRun("test", 2, 2, 100_000_000L, List.of(60_000_000L, 40_000_000L), nodes,
                List.of(290.0, 310.0), List.of(200.0, 200.0), List.of(90.0, 110.0), List.of(100.0, 100.0),
                List.of(100.0), 200_000_000L, List.of(List.of(12.0, 10.0, 11.0), List.of(8.0)),
                Map.of("sum", List.of(List.of(30.0), List.of(20.0)), "encode", List.of(List.of(50.0), List.of(40.0))),
                Map.of("single JVM", 1000.0), "load 1.0");
    }

    @Test
    void ingestPerNodeIsWhatTheWorkersPushToItPerRoundOverTheMeanRound() {
        RoundReport report = RoundReport.of(run(Map.of(0, "coordinator+ps", 1, "ps")));
        assertThat(report.rawGbPerS()).isCloseTo(2.0, within(1e-12));
        // node of shard 0 gets 2 x 60 MB per 300 ms round
        assertThat(report.ingestGbPerS().get("coordinator+ps")).isCloseTo(0.4, within(1e-12));
        assertThat(report.ingestGbPerS().get("ps")).isCloseTo(80e6 / 0.3 / 1e9, within(1e-12));
        assertThat(report.worstIngestFraction()).isCloseTo(80e6 / 0.3 / 1e9 / 2.0, within(1e-12));
        assertThat(report.ingestPasses()).isFalse();
    }

    @Test
    void boundIsAllBytesMovedAtRawSpeedPlusTheSlowerShardsOptimizerMedian() {
        RoundReport report = RoundReport.of(run(Map.of(0, "coordinator+ps", 1, "ps")));
        // push 2 x 100 MB + pull 2 x 100 MB = 400 MB at 2 GB/s = 200 ms, plus median(12, 10, 11) = 11 ms
        assertThat(report.movedBytes()).isEqualTo(400e6);
        assertThat(report.boundMs()).isCloseTo(211.0, within(1e-9));
        assertThat(report.boundRatio()).isCloseTo(300.0 / 211.0, within(1e-12));
        assertThat(report.boundPasses()).isTrue();
        // at the bound, the busier node (120 MB) would ingest 120 MB / 211 ms = 28% of 2 GB/s
        assertThat(report.ingestCeilingFraction()).isCloseTo(0.12 / 0.211 / 2.0, within(1e-12));
        assertThat(report.text()).contains("shard 0 serial work (diagnostic, one thread, medians): check+sum of 2 pushes"
                + " 30.0 ms + LARC 11.0 ms + weights encode 50.0 ms = 91.0 ms")
                .contains("minor page faults per round (diagnostic; 4 KiB of first-touched memory each): single JVM 1000"
                        + " (4 MB)")
                .contains("TARGET round <= 1.5x bound: PASS (1.42x")
                .contains("TARGET ingest >= 80% of raw: MISS");
    }

    @Test
    void shardsOnOneNodeAddUp() {
        RoundReport report = RoundReport.of(run(Map.of(0, "coordinator+ps", 1, "coordinator+ps")));
        assertThat(report.bytesPerNode()).containsExactly(Map.entry("coordinator+ps", 200_000_000L));
    }
}
