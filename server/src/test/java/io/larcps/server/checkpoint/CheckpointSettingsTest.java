package io.larcps.server.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CheckpointSettingsTest {

    private static Config with(String settings) {
        return ConfigFactory.parseString(settings).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void offUnlessADirectoryIsGivenThenEveryNthVersionFromZero() {
        assertThat(CheckpointSettings.fromConfig(with("")).enabled()).isFalse();
        assertThat(CheckpointSettings.fromConfig(with("")).at(0)).isFalse();
        CheckpointSettings on = CheckpointSettings.fromConfig(with(
                "larcps.checkpoint { directory = \"/tmp/ckpt\", every-steps = 25 }"));
        assertThat(on.directory()).contains(Path.of("/tmp/ckpt"));
        assertThat(on.at(0)).isTrue();
        assertThat(on.at(25)).isTrue();
        assertThat(on.at(26)).isFalse();
    }

    @Test
    void resumingIsOffByDefaultAndNeedsTheDirectory() {
        assertThat(CheckpointSettings.fromConfig(with("larcps.checkpoint.directory = \"/tmp/ckpt\"")).resume()).isFalse();
        assertThat(CheckpointSettings.fromConfig(with(
                "larcps.checkpoint { directory = \"/tmp/ckpt\", resume = on }")).resume()).isTrue();
        assertThatThrownBy(() -> CheckpointSettings.fromConfig(with("larcps.checkpoint.resume = on")))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("larcps.checkpoint.resume")
                .hasMessageContaining("needs larcps.checkpoint.directory");
    }

    @Test
    void aNonPositiveIntervalIsRefused() {
        assertThatThrownBy(() -> CheckpointSettings.fromConfig(with("larcps.checkpoint.every-steps = 0")))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("every-steps");
    }
}
