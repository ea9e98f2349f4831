package io.larcps.server.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.larcps.server.optim.UpdateKernel;
import io.larcps.server.optim.UpdateKernels;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepAggregatorTest {
    private static final UpdateKernel KERNEL = UpdateKernels.best();
    private final List<ByteBuf> issued = new ArrayList<>();

    private static FrameHeader header(int rank, int tensor, long offset, long length, long elements, long samples) {
        return FrameHeader.newBuilder().setKind(FrameKind.GRADIENT_PUSH).setJobId("j").setStep(3)
                .setSenderRank(rank).setTensorId(tensor).setChunkOffset(offset).setChunkLength(length)
                .setDtype(DType.FLOAT32).setElementCount(elements).setSampleCount(samples).build();
    }

    private ByteBuf floats(float... values) {
        ByteBuf buf = Unpooled.directBuffer(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.writeFloatLE(v);
        }
        issued.add(buf);
        return buf;
    }

    private void assertAllReleased() {
        assertThat(issued).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void sumsInRankOrderWhateverTheArrivalOrder() {
        // 1e8 + 1 - 1e8 depends on the order of the additions in float.
        float[][] byRank = {{1e8f, 1f}, {1f, 2f}, {-1e8f, 3f}};
        float[] expected = new float[2];
        for (float[] g : byRank) {
            for (int i = 0; i < 2; i++) {
                expected[i] += g[i];
            }
        }
        // One set of kept arrays for all three steps, as a lane has: what a step leaves in them never counts.
        ContributionArrays arrays = new ContributionArrays();
        for (int[] order : new int[][] {{0, 1, 2}, {2, 1, 0}, {1, 2, 0}}) {
            StepAggregator aggregator = new StepAggregator(3, List.of(0, 1, 2), Map.of(7, 2), KERNEL, arrays);
            for (int rank : order) {
                assertThat(aggregator.offer(header(rank, 7, 0, 2, 2, 10), floats(byRank[rank])))
                        .isInstanceOf(StepAggregator.Outcome.Accepted.class);
            }
            assertThat(aggregator.isComplete()).isTrue();
            assertThat(aggregator.sum(7)).containsExactly(expected);
            assertThat(aggregator.samples(7)).isEqualTo(30);
        }
        assertAllReleased();
    }

    @Test
    void aLaterStepOverwritesTheKeptArraysInsteadOfAddingToThem() {
        ContributionArrays arrays = new ContributionArrays();
        StepAggregator first = new StepAggregator(3, List.of(0, 1), Map.of(7, 2), KERNEL, arrays);
        first.offer(header(0, 7, 0, 2, 2, 4), floats(1f, 2f));
        first.offer(header(1, 7, 0, 2, 2, 4), floats(3f, 4f));
        float[] firstSum = first.sum(7);
        assertThat(firstSum).containsExactly(4f, 6f);

        StepAggregator second = new StepAggregator(3, List.of(0, 1), Map.of(7, 2), KERNEL, arrays);
        second.offer(header(1, 7, 0, 2, 2, 4), floats(30f, 40f));
        second.offer(header(0, 7, 0, 2, 2, 4), floats(10f, 20f));
        assertThat(second.sum(7)).containsExactly(40f, 60f);
        assertThat(arrays.kept()).as("the second step reused the first step's arrays").isEqualTo(2);

        // Rank 0's contribution is poisoned after its first chunk was decoded: rank 1's array is the sum.
        StepAggregator third = new StepAggregator(3, List.of(0, 1), Map.of(7, 2), KERNEL, arrays);
        third.offer(header(0, 7, 0, 1, 2, 4), floats(5f));
        third.offer(header(0, 7, 1, 1, 2, 4), floats(Float.NaN));
        third.offer(header(1, 7, 0, 1, 2, 4), floats(100f));
        third.offer(header(1, 7, 1, 1, 2, 4), floats(200f));
        assertThat(third.sum(7)).containsExactly(100f, 200f);
        assertThat(third.samples(7)).isEqualTo(4);
        assertThat(third.poisonedContributions()).isEqualTo(1);
        assertThat(arrays.kept()).isEqualTo(2);
        assertAllReleased();
    }

    @Test
    void aTensorKeepsAnArrayForTheSumPlusOnePerContributionThatArrivedBeforeItsTurn() {
        float[][] byRank = {{1e8f, 1f}, {1f, 2f}, {-1e8f, 3f}};
        ContributionArrays inOrder = new ContributionArrays();
        StepAggregator first = new StepAggregator(3, List.of(0, 1, 2), Map.of(7, 2), KERNEL, inOrder);
        for (int rank = 0; rank < 3; rank++) {
            first.offer(header(rank, 7, 0, 2, 2, 10), floats(byRank[rank]));
        }
        assertThat(inOrder.kept()).isEqualTo(2);

        ContributionArrays reversed = new ContributionArrays();
        StepAggregator second = new StepAggregator(3, List.of(0, 1, 2), Map.of(7, 2), KERNEL, reversed);
        for (int rank = 2; rank >= 0; rank--) {
            second.offer(header(rank, 7, 0, 2, 2, 10), floats(byRank[rank]));
        }
        assertThat(reversed.kept()).isEqualTo(3);
        assertThat(second.sum(7)).containsExactly(first.sum(7));
        assertAllReleased();
    }

    @Test
    void chunksMayArriveInAnyOrderAndSplitFloatsAcrossBufferPieces() {
        StepAggregator aggregator = new StepAggregator(3, List.of(0), Map.of(1, 4), KERNEL, new ContributionArrays());
        ByteBuf whole = floats(1f, 2f);
        // A composite whose pieces cut the floats at byte 3 and 5, as TCP reads would.
        CompositeByteBuf pieces = Unpooled.compositeBuffer();
        pieces.addComponent(true, whole.retainedSlice(0, 3));
        pieces.addComponent(true, whole.retainedSlice(3, 2));
        pieces.addComponent(true, whole.retainedSlice(5, 3));
        whole.release();
        assertThat(aggregator.offer(header(0, 1, 2, 2, 4, 8), floats(3f, 4f))).isInstanceOf(StepAggregator.Outcome.Accepted.class);
        assertThat(aggregator.isComplete()).isFalse();
        assertThat(aggregator.offer(header(0, 1, 0, 2, 4, 8), pieces)).isInstanceOf(StepAggregator.Outcome.Accepted.class);
        assertThat(aggregator.isComplete()).isTrue();
        assertThat(aggregator.sum(1)).containsExactly(1f, 2f, 3f, 4f);
        assertAllReleased();
    }

    @Test
    void badPushesAreRefusedWithTheirReasonAndChangeNoSum() {
        StepAggregator aggregator = new StepAggregator(3, List.of(0, 2), Map.of(1, 2), KERNEL, new ContributionArrays());
        assertRejected(aggregator.offer(header(1, 1, 0, 2, 2, 8), floats(9f, 9f)), ErrorCode.NOT_A_PARTICIPANT);
        assertRejected(aggregator.offer(header(0, 5, 0, 2, 2, 8), floats(9f, 9f)), ErrorCode.UNKNOWN_TENSOR);
        assertRejected(aggregator.offer(header(0, 1, 0, 3, 3, 8), floats(9f, 9f, 9f)), ErrorCode.LAYOUT_MISMATCH);
        assertRejected(aggregator.offer(header(0, 1, 0, 2, 2, 8).toBuilder().setStep(2).build(), floats(9f, 9f)),
                ErrorCode.STALE_STEP);
        assertRejected(aggregator.offer(header(0, 1, 0, 2, 2, 8).toBuilder().setStep(4).build(), floats(9f, 9f)),
                ErrorCode.FUTURE_STEP);

        assertThat(aggregator.offer(header(0, 1, 0, 1, 2, 8), floats(1f))).isInstanceOf(StepAggregator.Outcome.Accepted.class);
        assertRejected(aggregator.offer(header(0, 1, 0, 1, 2, 8), floats(5f)), ErrorCode.DUPLICATE_PUSH);
        assertRejected(aggregator.offer(header(0, 1, 0, 2, 2, 8), floats(5f, 5f)), ErrorCode.MALFORMED_FRAME);
        assertRejected(aggregator.offer(header(0, 1, 1, 1, 2, 9), floats(5f)), ErrorCode.MALFORMED_FRAME);
        assertThat(aggregator.offer(header(0, 1, 1, 1, 2, 8), floats(2f))).isInstanceOf(StepAggregator.Outcome.Accepted.class);
        assertThat(aggregator.offer(header(2, 1, 0, 2, 2, 4), floats(10f, 20f))).isInstanceOf(StepAggregator.Outcome.Accepted.class);

        assertThat(aggregator.isComplete()).isTrue();
        assertThat(aggregator.sum(1)).containsExactly(11f, 22f);
        assertThat(aggregator.samples(1)).isEqualTo(12);
        assertAllReleased();
    }

    @Test
    void aNonFiniteContributionIsLeftOutWithItsSamples() {
        StepAggregator aggregator = new StepAggregator(3, List.of(0, 1, 2), Map.of(1, 2, 2, 1), KERNEL, new ContributionArrays());
        aggregator.offer(header(0, 1, 0, 2, 2, 8), floats(1f, 1f));
        assertRejected(aggregator.offer(header(1, 1, 0, 1, 2, 8), floats(Float.NaN)), ErrorCode.NON_FINITE_GRADIENT);
        aggregator.offer(header(1, 1, 1, 1, 2, 8), floats(100f));
        aggregator.offer(header(2, 1, 0, 2, 2, 8), floats(2f, 2f));
        aggregator.offer(header(0, 2, 0, 1, 1, 8), floats(1f));
        aggregator.offer(header(1, 2, 0, 1, 1, 8), floats(1f));
        assertRejected(aggregator.offer(header(2, 2, 0, 1, 1, 8), floats(Float.POSITIVE_INFINITY)),
                ErrorCode.NON_FINITE_GRADIENT);

        assertThat(aggregator.isComplete()).isTrue();
        assertThat(aggregator.sum(1)).containsExactly(3f, 3f);
        assertThat(aggregator.samples(1)).isEqualTo(16);
        assertThat(aggregator.sum(2)).containsExactly(2f);
        assertThat(aggregator.samples(2)).isEqualTo(16);
        assertThat(aggregator.poisonedContributions()).isEqualTo(2);
        assertAllReleased();
    }

    @Test
    void anEmptyChunkOfATensorWithElementsIsRefusedAndCompletesNothing() {
        StepAggregator aggregator = new StepAggregator(3, List.of(0), Map.of(1, 2, 2, 2), KERNEL, new ContributionArrays());
        aggregator.offer(header(0, 1, 0, 2, 2, 8), floats(1f, 2f));
        assertRejected(aggregator.offer(header(0, 1, 2, 0, 2, 8), floats()), ErrorCode.MALFORMED_FRAME);
        assertRejected(aggregator.offer(header(0, 2, 0, 0, 2, 8), floats()), ErrorCode.MALFORMED_FRAME);
        assertThat(aggregator.isComplete()).as("tensor 2 has not arrived").isFalse();
        aggregator.offer(header(0, 2, 0, 2, 2, 8), floats(3f, 4f));
        assertThat(aggregator.isComplete()).isTrue();
        assertThat(aggregator.sum(2)).containsExactly(3f, 4f);
        assertAllReleased();
    }

    @Test
    void anEmptyTensorIsCompletedByItsOneEmptyChunk() {
        StepAggregator aggregator = new StepAggregator(3, List.of(0), Map.of(1, 0), KERNEL, new ContributionArrays());
        assertThat(aggregator.offer(header(0, 1, 0, 0, 0, 8), floats())).isInstanceOf(StepAggregator.Outcome.Accepted.class);
        assertThat(aggregator.isComplete()).isTrue();
        assertAllReleased();
    }

    @Test
    void everyBodyIsReleasedBeforeOfferReturnsEvenWhileALowerRankIsMissing() {
        StepAggregator aggregator = new StepAggregator(3, List.of(0, 1), Map.of(1, 2), KERNEL, new ContributionArrays());
        ByteBuf early = floats(1f, 1f);
        aggregator.offer(header(1, 1, 0, 2, 2, 8), early);
        assertThat(early.refCnt()).isZero();
        assertThat(aggregator.isComplete()).isFalse();
        ByteBuf refused = floats(2f);
        assertRejected(aggregator.offer(header(1, 1, 0, 1, 2, 8), refused), ErrorCode.MALFORMED_FRAME);
        assertThat(refused.refCnt()).isZero();
        aggregator.offer(header(0, 1, 0, 2, 2, 8), floats(2f, 3f));
        assertThat(aggregator.sum(1)).containsExactly(3f, 4f);
        assertAllReleased();
    }

    private static void assertRejected(StepAggregator.Outcome outcome, ErrorCode code) {
        assertThat(outcome).isInstanceOfSatisfying(StepAggregator.Outcome.Rejected.class,
                rejected -> assertThat(rejected.code()).isEqualTo(code));
    }
}
