package io.larcps.bench.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void meanSampleDeviationMedianAndRange() {
        Summary s = Summary.of(List.of(4.0, 1.0, 3.0, 2.0));
        assertThat(s.n()).isEqualTo(4);
        assertThat(s.mean()).isEqualTo(2.5);
        assertThat(s.sd()).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12));
        assertThat(s.median()).isEqualTo(2.5);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(4.0);
        assertThat(Summary.of(List.of(3.0, 1.0, 2.0)).median()).isEqualTo(2.0);
        assertThat(Summary.of(List.of(7.0)).sd()).isZero();
        assertThat(s.describe("%.1f")).isEqualTo("2.5 ± 1.3 (median 2.5, 1.0..4.0, n=4)");
    }
}
