package io.larcps.server.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class SettingsFromConfigTest {
    private final Config reference = ConfigFactory.defaultReference();

    @Test
    void theShippedDefaultsAreApexLarcWithTheStudysTrust() {
        OptimizerSettings settings = OptimizerSettings.fromConfig(reference.getConfig("larcps.optimizer"));
        assertThat(settings).isEqualTo(new OptimizerSettings(TrustRule.LARC, 0.02, 1e-8, true, 5e-4, 0.9, 0, false));
        ScheduleSettings schedule = ScheduleSettings.fromConfig(reference.getConfig("larcps.schedule"), 1024, 500);
        assertThat(schedule.scaledRate()).isEqualTo(0.4);
        assertThat(schedule.toSchedule()).isInstanceOf(LearningRateSchedule.Cosine.class);
    }

    @Test
    void anUnknownRuleIsNamed() {
        Config bad = ConfigFactory.parseString("rule = adamw").withFallback(reference.getConfig("larcps.optimizer"));
        assertThatThrownBy(() -> OptimizerSettings.fromConfig(bad)).hasMessageContaining("rule").hasMessageContaining("adamw");
    }
}
