package io.larcps.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class DataPlaneSettingsTest {

    private static Config with(String settings) {
        return ConfigFactory.parseString(settings).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void shardsStayOffTheInProcessLoopUnlessAsked() {
        DataPlaneSettings defaults = DataPlaneSettings.fromConfig(with(""));
        assertThat(defaults.inProcess()).isTrue();
        assertThat(defaults.shardsOnInProcessLoop()).isFalse();
        assertThat(DataPlaneSettings.fromConfig(with("larcps.data-plane-server.shards-on-in-process-loop = on"))
                .shardsOnInProcessLoop()).isTrue();
    }

    @Test
    void shardsOnTheInProcessLoopNeedTheInProcessDataPlane() {
        assertThatThrownBy(() -> DataPlaneSettings.fromConfig(with("larcps.data-plane.in-process = off\n"
                + "larcps.data-plane-server.shards-on-in-process-loop = on")))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("shards-on-in-process-loop")
                .hasMessageContaining("larcps.data-plane.in-process = on");
    }

    @Test
    void keptReceiveMemoryIsReadAndMustHoldASlab() {
        assertThat(DataPlaneSettings.fromConfig(with("")).keptReceiveBytes()).isEqualTo(64L << 20);
        assertThat(DataPlaneSettings.fromConfig(with("larcps.data-plane-server.kept-receive-memory = 8 MiB"))
                .keptReceiveBytes()).isEqualTo(8L << 20);
        assertThatThrownBy(() -> DataPlaneSettings.fromConfig(with("larcps.data-plane-server.kept-receive-memory = 4 KiB")))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("kept-receive-memory");
    }
}
