package io.larcps.bench.round;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawLoopbackTest {

    @Test
    void aWorkersFramesAreSplitAmongReceiversAsTheShardsOwnTheTensors() {
        int[] elements = {1_000_000, 10, 600_000, 400_000, 3};
        int chunkBytes = 1 << 20;
        List<int[]> whole = RawLoopback.framesPerReceiver(elements, 1, chunkBytes);
        List<int[]> split = RawLoopback.framesPerReceiver(elements, 2, chunkBytes);
        assertThat(whole).hasSize(1);
        assertThat(split).hasSize(2);
        long total = Arrays.stream(elements).asLongStream().sum() * Float.BYTES;
        assertThat(RawLoopback.bytes(whole.get(0))).isEqualTo(total);
        assertThat(RawLoopback.bytes(split.get(0)) + RawLoopback.bytes(split.get(1))).isEqualTo(total);
        int[] shardOf = ShardShares.assign(elements, 2);
        long[] shardBytes = ShardShares.bytes(elements, shardOf, 2);
        assertThat(RawLoopback.bytes(split.get(0))).isEqualTo(shardBytes[0]);
        assertThat(RawLoopback.bytes(split.get(1))).isEqualTo(shardBytes[1]);
        assertThat(Arrays.stream(split.get(0)).max().orElseThrow()).isLessThanOrEqualTo(chunkBytes);
    }

    @Test
    void receiversRunAtOnceAndEachClocksEveryRepetitionOfItsOwnBytes() throws Exception {
        List<int[]> frames = List.of(new int[] {64 << 10, 1 << 10, 300}, new int[] {128 << 10});
        List<List<Double>> ms = RawLoopback.inProcess(2, frames, 4, 1 << 20, 64 << 10, 2, 2);
        assertThat(ms).hasSize(2);
        assertThat(ms).allSatisfy(reps -> assertThat(reps).hasSize(4).allSatisfy(t -> assertThat(t).isPositive()));
    }
}
