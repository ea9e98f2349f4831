package io.larcps.deploy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class MetricsSettingsTest {

    @Test
    void offByDefaultAndBoundToTheNodesAddress() {
        MetricsSettings settings = MetricsSettings.fromConfig(ConfigFactory.load(), "10.0.0.7");
        assertThat(settings.enabled()).isFalse();
        assertThat(settings.bindHost()).isEqualTo("10.0.0.7");
    }

    @Test
    void readsPortAndBindHost() {
        MetricsSettings settings = MetricsSettings.fromConfig(ConfigFactory.parseString(
                "larcps.metrics { port = 9464, bind-host = \"0.0.0.0\" }"), "10.0.0.7");
        assertThat(settings).isEqualTo(new MetricsSettings(9464, "0.0.0.0"));
        assertThat(settings.enabled()).isTrue();
    }

    @Test
    void aPortOutOfRangeIsRefusedByName() {
        assertThatThrownBy(() -> MetricsSettings.fromConfig(ConfigFactory.parseString(
                "larcps.metrics { port = 70000, bind-host = \"\" }"), "127.0.0.1"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("larcps.metrics.port")
                .hasMessageContaining("got 70000");
    }
}
