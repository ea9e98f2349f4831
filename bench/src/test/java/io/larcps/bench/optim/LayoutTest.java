package io.larcps.bench.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutTest {

    @Test
    void theBuiltInPathFindsTheWholeResNet50() {
        Layout layout = Layout.resnet50();

        assertThat(layout.tensors()).hasSize(161);
        assertThat(layout.elements()).isEqualTo(25_557_032L);
        assertThat(layout.tensors()).filteredOn(t -> t.name().contains("bn") || t.name().contains("downsample.1")
                || t.name().endsWith(".bias")).isNotEmpty();
    }

    @Test
    void aFileThatDisagreesWithItsOwnTotalsIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("layout.json");
        Files.writeString(file, """
                {"count": 2, "elements": 10, "tensors": [{"name": "w", "shape": [2, 3]}]}""");

        assertThatThrownBy(() -> Layout.load(file)).hasMessageContaining("count 2");
    }
}
