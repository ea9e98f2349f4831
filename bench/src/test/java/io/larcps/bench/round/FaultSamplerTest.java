package io.larcps.bench.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultSamplerTest {

    @Test
    void faultsBetweenTwoInstantsAreInterpolatedBetweenSamples() {
        List<long[]> samples = List.of(new long[] {0, 100}, new long[] {100, 200}, new long[] {200, 1200});
        assertThat(FaultSampler.faultsBetween(samples, 50, 150)).isCloseTo(700 - 150, within(1e-9));
        assertThat(FaultSampler.faultsBetween(samples, 0, 200)).isCloseTo(1100, within(1e-9));
        assertThat(FaultSampler.faultsBetween(samples, 0, 300)).isNaN();
    }

    @Test
    void linesRoundTrip() {
        List<String> log = List.of("noise", FaultSampler.PREFIX + "10 20", "x " + FaultSampler.PREFIX + "30 40");
        assertThat(FaultSampler.parse(log)).satisfiesExactly(s -> assertThat(s).containsExactly(10, 20),
                s -> assertThat(s).containsExactly(30, 40));
    }
}
