package io.larcps.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's arithmetic on a hand-made JMH result: 1,000,000 elements, round times. */
class OptimizerReportTest {
    private static final long ELEMENTS = 1_000_000;

    private final List<JmhResult> results = JmhResult.read(resource("jmh-sample.json"));
    private final OptimizerReport report = new OptimizerReport(results, ELEMENTS);

    @Test
    void readsMethodParamsScoreIntervalAndIterations() {
        JmhResult vector = results.get(0);

        assertThat(vector.method()).isEqualTo("larcps");
        assertThat(vector.params()).containsEntry("kernel", "vector");
        assertThat(vector.time().value()).isEqualTo(1.0);
        assertThat(vector.time().low()).isEqualTo(0.9);
        assertThat(vector.fastestIteration()).isEqualTo(0.95);
        assertThat(vector.slowestIteration()).isEqualTo(1.05);
    }

    @Test
    void bandwidthRatioAndSpeedUpFollowTheByteCounts() {
        // Step: 28 B x 1e6 in 1 ms = 28 GB/s. Triad: 12 B x 1e6 in 0.8 ms = 15 GB/s. 28 / 15 = 1.867.
        assertThat(report.triadRatio().value()).isCloseTo(28.0 / 15.0, within(1e-9));
        assertThat(report.speedupOverNd4j().value()).isCloseTo(4.0, within(1e-9));
        assertThat(report.speedupOverNd4j().low()).isCloseTo(3.6 / 1.1, within(1e-9));
        assertThat(report.targetsMet()).isTrue();
    }

    @Test
    void printsEachTargetWithItsVerdict() {
        assertThat(report.render())
                .contains("larcps vector")
                .contains("28.0 @28 B")
                .contains("15.0 @12 B")
                // The sample's triad ran one iteration: no interval, and the report says so.
                .containsPattern("bandwidth vs triad +187% \\(CI n/a\\), target >= 140%: PASS")
                .containsPattern("speed-up over nd4j +4.00x \\(CI [0-9x.]+\\), target >= 3.50x: PASS");
    }

    @Test
    void splitsTheStepIntoItsPassesWhenTheyWereTimed() {
        // Norm: 8 B x 1e6 in 0.4 ms = 20 GB/s. Update: 20 B x 1e6 in 0.7 ms = 28.6 GB/s; as a one-pass
        // step that is 28 B x 1e6 / 0.7 ms = 40 GB/s, 267% of the triad's 15 GB/s.
        assertThat(report.render())
                .contains("norm of p and g 0.40 ± 0.00 ms (20.0 GB/s @8 B)")
                .contains("(28.6 GB/s @20 B)")
                .contains("sum 1.10 ms against the step's 1.00 ms")
                .contains("267% of triad");
    }

    @Test
    void pairedIterationsGiveTheCrossCheck() {
        // Iteration ratios 28 x 0.8 / (12 x 1.2) = 156% and 28 x 0.9 / (12 x 1.1) = 191%: median 173%.
        assertThat(report.render())
                .containsPattern("cross-check, paired in one fork +173% \\(iterations 156%\\.\\.191%; "
                        + "triad 0\\.85 ms, step 1\\.15 ms\\), target >= 140%: PASS");
    }

    private static Path resource(String name) {
        try {
            return Path.of(OptimizerReportTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
