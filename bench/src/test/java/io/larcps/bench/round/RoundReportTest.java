package io.larcps.bench.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundReportTest {

    /**
     * 2 workers, a 100 MB model over shards of 60 and 40 MB, raw 2 GB/s (200 MB in 100 ms), rounds of 300 ms;
     * {@code intake} per node; with one receiver per shard, raw took shard 0's 120 MB in 100 ms (1.2 GB/s) and
     * shard 1's 80 MB in 80 ms (1.0 GB/s), unless {@code rawPerShard} is null; its first repetition (all
     * 200 MB in 110 ms) had no DAMON time, its second 30 ms. The rounds had 40 and 0.5 ms of DAMON time.
     */
    private static RoundRun run(Map<Integer, String> nodes, Map<String, List<Double>> intake,
            List<List<Double>> rawPerShard) {
        return new RoundRun("test", 2, 2, 100_000_000L, List.of(60_000_000L, 40_000_000L), nodes,
                List.of(290.0, 310.0), List.of(200.0, 200.0), List.of(90.0, 110.0), intake,
                Map.of("coordinator+ps", List.of(10.0, 14.0), "ps", List.of(8.0, 8.0)), List.of(3.0, 25.0), List.of(100.0, 100.0),
                List.of(100.0), rawPerShard, List.of(List.of(0L, 110_000_000L), List.of(500_000_000L, 590_000_000L)),
                List.of(0.0, 30.0), 200_000_000L, List.of(List.of(12.0, 10.0, 11.0), List.of(8.0)),
                Map.of("sum", List.of(List.of(30.0), List.of(20.0)), "encode", List.of(List.of(50.0), List.of(40.0))),
                Map.of("single JVM", 1000.0), List.of(0L, 290_000_000L, 600_000_000L), List.of(40.0, 0.5), "load 1.0");
    }

    private static final List<List<Double>> RAW_PER_SHARD = List.of(List.of(90.0, 110.0), List.of(80.0, 80.0));

    private static RoundRun run(Map<Integer, String> nodes) {
        return run(nodes, Map.of("coordinator+ps", List.of(110.0, 130.0), "ps", List.of(95.0, 95.0)), RAW_PER_SHARD);
    }

    @Test
    void ingestPerNodeIsItsPushedBytesOverItsIntakeAgainstRawForTheSameBytes() {
        RoundReport report = RoundReport.of(run(Map.of(0, "coordinator+ps", 1, "ps")));
        assertThat(report.rawGbPerS()).isCloseTo(2.0, within(1e-12));
        // node of shard 0 takes in 2 x 60 MB in 120 ms; its own raw receiver took them at 1.2 GB/s
        assertThat(report.ingestGbPerS().get("coordinator+ps")).isCloseTo(1.0, within(1e-12));
        assertThat(report.rawForNodeGbPerS("coordinator+ps")).isCloseTo(1.2, within(1e-12));
        assertThat(report.ingestFraction("coordinator+ps")).isCloseTo(1.0 / 1.2, within(1e-12));
        assertThat(report.ingestFraction("ps")).isCloseTo(80e6 / 0.095 / 1e9 / 1.0, within(1e-12));
        assertThat(report.worstIngestFraction()).isCloseTo(1.0 / 1.2, within(1e-12));
        assertThat(report.ingestPasses()).isTrue();
        // over the 300 ms round instead: 120 MB / 0.3 s against all of 2 GB/s
        assertThat(report.perRoundIngestFraction("coordinator+ps")).isCloseTo(0.4 / 2.0, within(1e-12));
        assertThat(report.text()).contains("TARGET ingest >= 80% of raw: PASS (83.3% on the slower node")
                .contains("  intake, coordinator+ps first chunk at its shards 12.0 ms after the first worker's start,"
                        + " every chunk summed 108.0 ms after that")
                .contains("raw, shard 1's bytes  1.000 GB/s")
                .contains("workers' starts     the last worker started 14.0 ± 15.6 (median 14.0, 3.0..25.0, n=2) ms after the first");
    }

    @Test
    void withoutARawReceiverPerShardANodeIsHeldToItsShareOfTheOneReceiverRate() {
        RoundReport report = RoundReport.of(run(Map.of(0, "coordinator+ps", 1, "ps"),
                Map.of("coordinator+ps", List.of(120.0, 120.0), "ps", List.of(100.0, 100.0)), null));
        // 120 of the 200 MB: 1.2 of 2 GB/s
        assertThat(report.rawForNodeGbPerS("coordinator+ps")).isCloseTo(1.2, within(1e-12));
        assertThat(report.rawForNodeGbPerS("ps")).isCloseTo(0.8, within(1e-12));
        assertThat(report.ingestFraction("ps")).isCloseTo(1.0, within(1e-12));
        assertThat(report.text()).contains("its share of the one-receiver rate");
    }

    @Test
    void aSlowIntakeOrAnUnrecordedNodeMissesTheIngestTarget() {
        RoundReport slow = RoundReport.of(run(Map.of(0, "coordinator+ps", 1, "ps"),
                Map.of("coordinator+ps", List.of(150.0, 150.0), "ps", List.of(100.0, 100.0)), RAW_PER_SHARD));
        assertThat(slow.worstIngestFraction()).isCloseTo(0.8 / 1.2, within(1e-12));
        assertThat(slow.ingestPasses()).isFalse();
        RoundReport unrecorded = RoundReport.of(run(Map.of(0, "coordinator+ps", 1, "ps"),
                Map.of("coordinator+ps", List.of(100.0, 100.0)), RAW_PER_SHARD));
        assertThat(unrecorded.worstIngestFraction()).isNaN();
        assertThat(unrecorded.ingestPasses()).isFalse();
        assertThat(unrecorded.text()).contains("none recorded").contains("TARGET ingest >= 80% of raw: MISS");
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
                .contains("TARGET round <= 1.5x bound: PASS (1.42x");
    }

    @Test
    void roundsAndRawRepetitionsWithADamonPassAreLeftOutOfTheQuietFigures() {
        RoundReport report = RoundReport.of(run(Map.of(0, "coordinator+ps", 1, "ps")));
        assertThat(report.roundsWithoutKdamond()).containsExactly(1);
        RoundReport.WithoutKdamond quiet = report.withoutKdamond().orElseThrow();
        // round 1 (310 ms) and raw repetition 0 (110 ms for all 200 MB pushed, shard 0's receiver 90 ms)
        assertThat(quiet.rounds()).isEqualTo(1);
        assertThat(quiet.reps()).isEqualTo(1);
        assertThat(quiet.roundMs()).isEqualTo(310.0);
        // 400 MB at 200 MB per 110 ms, plus the 11 ms optimizer median
        assertThat(quiet.boundMs()).isCloseTo(220.0 + 11.0, within(1e-9));
        assertThat(quiet.ingestFractionByNode().get("coordinator+ps")).isCloseTo(90.0 / 130.0, within(1e-12));
        assertThat(quiet.ingestFractionByNode().get("ps")).isCloseTo(80.0 / 95.0, within(1e-12));
        assertThat(report.text()).contains("kdamond               20.3 ms of CPU per round")
                .contains("without a DAMON pass (under 5 ms of it): 1 of 2 rounds, 1 of 2 raw repetitions (one receiver"
                        + " per shard): round 310.0 ms = 1.34x a bound of 231.0 ms, coordinator+ps ingest 69.2%, ps"
                        + " ingest 84.2%");
    }

    @Test
    void withoutDamonReadingsThereAreNoQuietFigures() {
        RoundRun run = run(Map.of(0, "coordinator+ps", 1, "ps"));
        RoundRun unwatched = run.withDriverReadings(List.of(), List.of(), "load 1.0");
        assertThat(RoundReport.of(unwatched).withoutKdamond()).isEmpty();
        assertThat(RoundReport.of(unwatched).text()).doesNotContain("kdamond");
    }

    @Test
    void shardsOnOneNodeAddUp() {
        RoundReport report = RoundReport.of(run(Map.of(0, "coordinator+ps", 1, "coordinator+ps"),
                Map.of("coordinator+ps", List.of(125.0, 125.0)), RAW_PER_SHARD));
        assertThat(report.bytesPerNode()).containsExactly(Map.entry("coordinator+ps", 200_000_000L));
        // all pushed bytes on one node, so no receiver per shard stood for it: its share is the whole raw
        // rate, and it took in 200 MB in 125 ms = 1.6 of 2 GB/s
        assertThat(report.worstIngestFraction()).isCloseTo(0.8, within(1e-12));
    }
}
