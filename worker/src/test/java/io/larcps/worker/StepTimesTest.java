package io.larcps.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
            step.pulled();
            advance(1);
            StepTimes split = accumulator.finish(step);
            advance(3);
            assertThat(split.steps()).isEqualTo(1);
            assertThat(split.computeSeconds()).isEqualTo(0.060);
            assertThat(split.pushSeconds()).isEqualTo(0.004);
            assertThat(split.pullSeconds()).isEqualTo(0.008);
            assertThat(split.waitingSeconds()).as("step %d", i).isEqualTo(i == 0 ? 0.002 : 0.006);
        }

        StepTimes times = accumulator.total();
        assertThat(times.steps()).isEqualTo(2);
        assertThat(times.computeSeconds()).isEqualTo(0.120);
        assertThat(times.pushSeconds()).isEqualTo(0.008);
        assertThat(times.pullSeconds()).isEqualTo(0.016);
        assertThat(times.waitingSeconds()).as("before the first compute (2), and from the first step's weights to"
                + " the second compute (1 + 3 + 2)").isEqualTo(0.008);
        assertThat(times.exchangeSeconds()).isEqualTo(0.024);
        assertThat(times.totalSeconds()).isCloseTo(0.152, within(1e-12));
    }

    @Test
    void aStepStartedBeforeItsWeightsWaitsOnlyFromWhenTheyAreHeld() {
        StepTimes.Step first = accumulator.start();
        first.computing();
        advance(10);
        first.computed();
        advance(1);
        first.pushed();
        // The second step is queued behind the first while the first's weights are on their way.
        StepTimes.Step second = accumulator.start();
        advance(2);
        first.pulled();
        advance(1);
        second.computing();
        advance(10);
        second.computed();
        second.pushed();
        advance(2);
        second.pulled();
        accumulator.finish(first);
        accumulator.finish(second);

        StepTimes times = accumulator.total();
        assertThat(times.computeSeconds()).isEqualTo(0.020);
        assertThat(times.pullSeconds()).isEqualTo(0.004);
        assertThat(times.waitingSeconds()).as("the second step waited 1 ms after the weights, not 3 after its start")
                .isEqualTo(0.001);
        assertThat(times.totalSeconds()).isCloseTo(0.026, within(1e-12));
    }

    @Test
    void aStepWithoutAContributionOnlyPulls() {
        StepTimes.Step step = accumulator.start();
        advance(30);
        step.pulled();
        StepTimes split = accumulator.finish(step);

        assertThat(split.pullSeconds()).isEqualTo(0.030);
        assertThat(split.computeSeconds() + split.pushSeconds() + split.waitingSeconds()).isZero();
        StepTimes times = accumulator.total();
        assertThat(times.computeSeconds()).isZero();
        assertThat(times.pushSeconds()).isZero();
        assertThat(times.pullSeconds()).isEqualTo(0.030);
    }
}
