package io.larcps.bench.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
        long before = System.nanoTime();
        RawLoopback.Timed timed = RawLoopback.inProcess(2, frames, 4, 1 << 20, 64 << 10, 2, 2);
        List<List<Double>> ms = timed.msPerReceiver();
        assertThat(ms).hasSize(2);
        assertThat(ms).allSatisfy(reps -> assertThat(reps).hasSize(4).allSatisfy(t -> assertThat(t).isPositive()));
        List<List<Long>> spans = timed.spansNanos();
        assertThat(spans).hasSize(4);
        assertThat(spans.get(0).get(0)).isGreaterThan(before);
        // a repetition ends for both receivers before the next starts, so each one's time fits in its span
        for (int k = 0; k < 4; k++) {
            double span = (spans.get(k).get(1) - spans.get(k).get(0)) / 1e6;
            for (List<Double> receiver : ms) {
                assertThat(receiver.get(k)).isLessThanOrEqualTo(span);
            }
            assertThat(Math.max(ms.get(0).get(k), ms.get(1).get(k))).isCloseTo(span, within(5.0));
            if (k > 0) {
                assertThat(spans.get(k).get(0)).isEqualTo(spans.get(k - 1).get(1));
            }
        }
        RawLoopback.Timed measured = timed.measured(1);
        assertThat(measured.msPerReceiver().get(1)).containsExactlyElementsOf(ms.get(1).subList(1, 4));
        assertThat(measured.spansNanos()).containsExactlyElementsOf(spans.subList(1, 4));
        RawLoopback.Timed pooled = measured.then(timed.measured(3));
        assertThat(pooled.msPerReceiver().get(0)).containsExactly(ms.get(0).get(1), ms.get(0).get(2), ms.get(0).get(3),
                ms.get(0).get(3));
        assertThat(pooled.spansNanos()).hasSize(4).endsWith(spans.get(3));
    }
}
