package io.larcps.server.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    private static ScheduleSettings settings(String decay, long warmup) {
        return new ScheduleSettings(decay, 0.1, 256, 1024, warmup, 100, 0.0, 2.0, 30, 0.1);
    }

    @Test
    void theLinearScalingRuleScalesTheBaseRateWithTheBatch() {
        assertThat(settings("constant", 0).scaledRate()).isCloseTo(0.4, within(1e-12));
        assertThat(settings("constant", 0).toSchedule().at(57)).isCloseTo(0.4, within(1e-12));
    }

    @Test
    void warmupRisesLinearlyToThePeakThenHandsOver() {
        LearningRateSchedule schedule = settings("constant", 10).toSchedule();
        assertThat(schedule.at(0)).isCloseTo(0.04, within(1e-12));
        assertThat(schedule.at(4)).isCloseTo(0.2, within(1e-12));
        assertThat(schedule.at(9)).isCloseTo(0.4, within(1e-12));
        assertThat(schedule.at(50)).isCloseTo(0.4, within(1e-12));
    }

    @Test
    void decaysHitTheirEndpoints() {
        LearningRateSchedule poly = settings("polynomial", 0).toSchedule();
        assertThat(poly.at(0)).isCloseTo(0.4, within(1e-12));
        assertThat(poly.at(50)).isCloseTo(0.4 * 0.25, within(1e-12));
        assertThat(poly.at(100)).isZero();
        assertThat(poly.at(500)).isZero();

        LearningRateSchedule cosine = settings("cosine", 0).toSchedule();
        assertThat(cosine.at(50)).isCloseTo(0.2, within(1e-12));
        assertThat(cosine.at(100)).isCloseTo(0.0, within(1e-12));

        LearningRateSchedule step = settings("step", 0).toSchedule();
        assertThat(step.at(29)).isCloseTo(0.4, within(1e-12));
        assertThat(step.at(30)).isCloseTo(0.04, within(1e-12));
        assertThat(step.at(65)).isCloseTo(0.004, within(1e-12));
    }

    @Test
    void warmupFollowedByCosineMeetsTheCurveAtTheEndOfWarmup() {
        LearningRateSchedule schedule = settings("cosine", 20).toSchedule();
        double atHandover = new LearningRateSchedule.Cosine(0.4, 0, 100).at(20);
        assertThat(schedule.at(19)).isCloseTo(atHandover, within(1e-12));
        assertThat(schedule.at(20)).isCloseTo(atHandover, within(1e-12));
    }

    @Test
    void badSchedulesAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> settings("exponential", 0).toSchedule())
                .hasMessageContaining("decay").hasMessageContaining("exponential");
        assertThatThrownBy(() -> new ScheduleSettings("cosine", 0.1, 0, 1024, 0, 100, 0, 1, 1, 1))
                .hasMessageContaining("referenceBatch");
        assertThatThrownBy(() -> new ScheduleSettings("cosine", -0.1, 256, 1024, 0, 100, 0, 1, 1, 1).toSchedule())
                .hasMessageContaining("peak");
        assertThatThrownBy(() -> new ScheduleSettings("polynomial", 0.1, 256, 256, 0, 0, 0, 1, 1, 1).toSchedule())
                .hasMessageContaining("totalSteps");
        assertThatThrownBy(() -> new ScheduleSettings("step", 0.1, 256, 256, 0, 10, 0, 1, 5, 1.5).toSchedule())
                .hasMessageContaining("gamma");
        assertThatThrownBy(() -> new ScheduleSettings("constant", 0.1, 256, 256, -1, 10, 0, 1, 5, 0.5).toSchedule())
                .hasMessageContaining("warmupSteps");
    }
}
