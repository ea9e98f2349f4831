package io.larcps.bench.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.frame.FrameSettings;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ModelLayoutTest {

    @Test
    void resnet50IsTrainableFloat32AndChunksIntoFramesOfTheDataPlane() {
        TensorLayout layout = ModelLayout.load(ModelLayout.defaultPath());
        assertThat(layout.getTensorsCount()).isEqualTo(161);
        assertThat(ModelLayout.elements(layout)).isEqualTo(25_557_032L);
        assertThat(ModelLayout.bytes(layout)).isEqualTo(102_228_128L);
        int chunk = new FrameSettings(64 << 20, 4 << 20).chunkBytes();
        int[] frames = RawLoopback.frames(ModelLayout.sizes(layout), chunk);
        assertThat(Arrays.stream(frames).asLongStream().sum()).isEqualTo(102_228_128L);
        assertThat(Arrays.stream(frames).boxed().toList()).allSatisfy(f -> assertThat(f).isPositive().isLessThanOrEqualTo(chunk));
        // a tensor of 2,359,296 floats (9,437,184 B) goes out as 4 MiB + 4 MiB + 1 MiB
        assertThat(RawLoopback.frames(new int[] {2_359_296}, chunk)).containsExactly(4 << 20, 4 << 20, 1 << 20);
    }

    @Test
    void sharesCoverEveryTensorOnce() {
        int[] sizes = ModelLayout.sizes(ModelLayout.load(ModelLayout.defaultPath()));
        int[] shardOf = ShardShares.assign(sizes, 2);
        long[] bytes = ShardShares.bytes(sizes, shardOf, 2);
        assertThat(bytes[0] + bytes[1]).isEqualTo(102_228_128L);
        assertThat(ShardShares.tensorsOf(sizes, shardOf, 0).length + ShardShares.tensorsOf(sizes, shardOf, 1).length)
                .isEqualTo(161);
    }
}
