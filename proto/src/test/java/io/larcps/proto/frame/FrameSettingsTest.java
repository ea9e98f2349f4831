package io.larcps.proto.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameSettingsTest {

    @Test
    void defaultsComeFromReferenceConf() {
        FrameSettings settings = FrameSettings.fromConfig(ConfigFactory.load());

        assertThat(settings).isEqualTo(new FrameSettings(64 << 20, 4 << 20));
    }

    @Test
    void overridesAcceptHoconSizes() {
        Config config = ConfigFactory.parseString("larcps.data-plane { max-frame-bytes = 16 MiB, chunk-bytes = 1 MiB }")
                .withFallback(ConfigFactory.load());

        assertThat(FrameSettings.fromConfig(config)).isEqualTo(new FrameSettings(16 << 20, 1 << 20));
    }

    @Test
    void aChunkThatCannotFitInAFrameIsAConfigurationError() {
        Config config = ConfigFactory.parseString("larcps.data-plane { max-frame-bytes = 4 MiB, chunk-bytes = 4 MiB }")
                .withFallback(ConfigFactory.load());

        assertThatThrownBy(() -> FrameSettings.fromConfig(config))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("larcps.data-plane")
                .hasMessageContaining("chunk-bytes 4194304 plus 4096 bytes for the header must fit in max-frame-bytes 4194304");
    }

    @Test
    void aLimitBeyondTheInt32LengthFieldIsAConfigurationError() {
        Config config = ConfigFactory.parseString("larcps.data-plane.max-frame-bytes = 3 GiB")
                .withFallback(ConfigFactory.load());

        assertThatThrownBy(() -> FrameSettings.fromConfig(config))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("larcps.data-plane.max-frame-bytes");
    }

    @Test
    void chunksSmallerThanOneWideElementAreRefused() {
        assertThatThrownBy(() -> new FrameSettings(1 << 20, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chunk-bytes must be at least 8");
    }

    @Test
    void everyDataPlaneKeyInReferenceConfIsCommented() {
        Map<String, ConfigValue> keys = Map.copyOf(ConfigFactory.defaultReference().getConfig(FrameSettings.CONFIG_PATH).root());

        assertThat(keys).containsOnlyKeys("max-frame-bytes", "chunk-bytes", "in-process");
        keys.forEach((key, value) -> assertThat(value.origin().comments()).as("comments on %s", key).isNotEmpty());
    }
}
