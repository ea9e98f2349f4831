package io.larcps.worker.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.larcps.proto.frame.TensorFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pull's bookkeeping without a network: frames are handed in one by one. */
@ExtendWith(NoLeaks.class)
class PullOperationTest {

    private static final Endpoint A = new Endpoint("ps-a", 7001);
    private static final Endpoint B = new Endpoint("ps-b", 7002);
    private static final long VERSION = 4;

    private final ShardRouting routing = Layouts.routing(new int[] {0, 1}, new int[] {6, 4}, A, B);
    private final float[][] into = Layouts.empty(6, 4);
    private final List<PullOperation> finished = new ArrayList<>();
    private final PullOperation pull = new PullOperation(VERSION, into, routing, finished::add);

    @Test
    void completesWithTheLastElementAndNotBefore() {
        accept(A, chunk(0, 0, 4, 6));
        accept(B, chunk(1, 0, 4, 4));
        assertThat(pull.future()).isNotDone();

        accept(A, chunk(0, 4, 2, 6));

        assertThat(pull.future()).isCompleted();
        assertThat(finished).as("slot freed before completion").containsExactly(pull);
        assertThat(into[0]).containsExactly(Layouts.weights(VERSION, 0, 6));
        assertThat(into[1]).containsExactly(Layouts.weights(VERSION, 1, 4));
    }

    @Test
    void anExactRepeatIsNotCountedTwice() {
        accept(A, chunk(0, 0, 3, 6));
        accept(A, chunk(0, 0, 3, 6));
        accept(B, chunk(1, 0, 4, 4));

        assertThat(pull.future()).as("elements 3..5 of tensor 0 are still missing").isNotDone();
    }

    @Test
    void aPartialOverlapFailsThePull() {
        accept(A, chunk(0, 0, 3, 6));
        accept(A, chunk(0, 2, 3, 6));

        assertFailed("overlap a chunk received before");
    }

    @Test
    void aChunkOfAnotherSizeFailsThePull() {
        accept(A, chunk(0, 0, 3, 7));

        assertFailed("tensor 0 (t0) arrived with element_count 7, the layout says 6");
    }

    @Test
    void aChunkOfAnotherDtypeFailsThePull() {
        FrameHeader header = chunk(0, 0, 1, 6).header().toBuilder().setDtype(DType.FLOAT64).build();
        accept(A, new TensorFrame(header, Unpooled.wrappedBuffer(new byte[8])));

        assertFailed("tensor 0 (t0) arrived as FLOAT64, the layout says FLOAT32");
    }

    @Test
    void aChunkOfAnUnknownTensorFailsThePull() {
        FrameHeader header = chunk(0, 0, 1, 6).header().toBuilder().setTensorId(9).build();
        accept(A, new TensorFrame(header, Unpooled.wrappedBuffer(new byte[4])));

        assertFailed("tensor_id 9 is not in the layout of 2 tensors");
    }

    @Test
    void aChunkFromAnEndpointThatDoesNotOwnTheTensorFailsThePull() {
        accept(B, chunk(0, 0, 6, 6));

        assertFailed("tensor 0 (t0) belongs to shard 0 at ps-a:7001");
    }

    @Test
    void aFailedPullWritesNothingMore() {
        pull.fail(new IllegalStateException("closed"));
        accept(A, chunk(0, 0, 6, 6));

        assertThat(into[0]).containsOnly(0f);
        assertThat(finished).containsExactly(pull);
    }

    private void assertFailed(String message) {
        assertThat(pull.future()).isCompletedExceptionally();
        assertThat(pull.future().handle((ok, failure) -> failure).join())
                .isInstanceOf(DataPlaneException.class)
                .hasMessageContaining(message);
    }

    private void accept(Endpoint from, TensorFrame frame) {
        try {
            pull.accept(frame, from);
        } finally {
            frame.release();
        }
    }

    private static TensorFrame chunk(int tensorId, int offset, int length, int elementCount) {
        float[] whole = Layouts.weights(VERSION, tensorId, Math.max(elementCount, offset + length));
        ByteBuffer bytes = ByteBuffer.allocate(length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(whole, offset, length);
        ByteBuf body = Unpooled.wrappedBuffer(bytes.array());
        FrameHeader header = FrameHeader.newBuilder()
                .setKind(FrameKind.WEIGHTS)
                .setJobId("job-1")
                .setStep(VERSION)
                .setTensorId(tensorId)
                .setChunkOffset(offset)
                .setChunkLength(length)
                .setElementCount(elementCount)
                .setDtype(DType.FLOAT32)
                .build();
        return new TensorFrame(header, body);
    }
}
