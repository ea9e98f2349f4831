package io.larcps.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepTimesTest {
    /** A clock the test moves by hand, in milliseconds turned into nanoseconds. */
    private long nanos = 1_000;

    private void advance(long millis) {
        nanos += millis * 1_000_000;
    }

    private final StepTimes.Accumulator accumulator = new StepTimes.Accumulator(() -> nanos);

    @Test
    void eachPhaseOfAStepIsCountedWhereItBelongs() {
        for (int i = 0; i < 2; i++) {
            StepTimes.Step step = accumulator.start();
            advance(2);
            step.computing();
            advance(60);
            step.computed();
            advance(4);
            step.pushed();
            advance(8);
            accumulator.finish(step);
            advance(3);
        }

        StepTimes times = accumulator.total();
        assertThat(times.steps()).isEqualTo(2);
        assertThat(times.computeSeconds()).isEqualTo(0.120);
        assertThat(times.pushSeconds()).isEqualTo(0.008);
        assertThat(times.pullSeconds()).isEqualTo(0.016);
        assertThat(times.waitingSeconds()).as("before computing, and between the steps (not after the last)")
                .isEqualTo(0.007);
        assertThat(times.exchangeSeconds()).isEqualTo(0.024);
        assertThat(times.totalSeconds()).isEqualTo(0.151);
    }

    @Test
    void aStepWithoutAContributionOnlyPulls() {
        StepTimes.Step step = accumulator.start();
        advance(30);
        accumulator.finish(step);

        StepTimes times = accumulator.total();
        assertThat(times.computeSeconds()).isZero();
        assertThat(times.pushSeconds()).isZero();
        assertThat(times.pullSeconds()).isEqualTo(0.030);
    }
}
