package io.larcps.worker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ParameterClientPushTest extends ClientTestSupport {

    private static final int[] SIZES = {3, 40_000, 0, 1};

    @Test
    void pushedTensorsArriveWholeWithEveryHeaderFieldSet() throws Exception {
        FakeShard shard = shard();
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0, 0, 0}, SIZES, shard.endpoint()));
        float[][] sums = Layouts.tensors(1, SIZES);

        assertThat(client.push(7, sums, 32)).succeedsWithin(WAIT);

        // Tensor 1 (40 000 floats) needs three 64 KiB chunks; the empty tensor still gets its one frame.
        List<FakeShard.Chunk> chunks = shard.awaitChunks(6);
        assertThat(chunks).hasSize(6);
        assertThat(chunks).extracting(c -> c.header().getTensorId(), c -> c.header().getChunkOffset(),
                        c -> c.header().getChunkLength(), c -> c.header().getElementCount())
                .containsExactlyInAnyOrder(
                        tuple(0, 0L, 3L, 3L),
                        tuple(1, 0L, (long) CHUNK_FLOATS, 40_000L),
                        tuple(1, (long) CHUNK_FLOATS, (long) CHUNK_FLOATS, 40_000L),
                        tuple(1, 2L * CHUNK_FLOATS, 40_000L - 2L * CHUNK_FLOATS, 40_000L),
                        tuple(2, 0L, 0L, 0L),
                        tuple(3, 0L, 1L, 1L));
        for (FakeShard.Chunk chunk : chunks) {
            FrameHeader header = chunk.header();
            assertThat(header.getKind()).isEqualTo(FrameKind.GRADIENT_PUSH);
            assertThat(header.getJobId()).isEqualTo(JOB);
            assertThat(header.getStep()).isEqualTo(7);
            assertThat(header.getSenderRank()).isEqualTo(RANK);
            assertThat(header.getSampleCount()).isEqualTo(32);
            assertThat(header.getDtype()).isEqualTo(DType.FLOAT32);
        }
        for (int tensor = 0; tensor < SIZES.length; tensor++) {
            assertSameFloats(shard.reassemble(tensor, 7, SIZES[tensor]), sums[tensor], "tensor " + tensor);
        }
        assertThat(client.bytesInFlight()).isZero();
    }

    @Test
    void directValuesArriveBitForBitWithoutTakingASendBuffer() throws Exception {
        FakeShard shard = shard();
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0, 0, 0}, SIZES, shard.endpoint()));
        float[][] sums = Layouts.tensors(3, SIZES);
        sums[1][5] = Float.intBitsToFloat(0x7fc00001);
        sums[1][CHUNK_FLOATS] = -0f;

        assertThat(client.push(4, direct(sums), 16)).succeedsWithin(WAIT);

        assertThat(shard.awaitChunks(6)).hasSize(6);
        for (int tensor = 0; tensor < SIZES.length; tensor++) {
            assertSameFloats(shard.reassemble(tensor, 4, SIZES[tensor]), sums[tensor], "tensor " + tensor);
        }
        assertThat(client.sendBuffersKept()).isZero();
        assertThat(client.bytesInFlight()).isZero();
    }

    @Test
    void directValuesOfTheWrongLengthAreRefusedNamingTheTensor() throws Exception {
        FakeShard shard = shard();
        int[] sizes = {4, 6};
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0}, sizes, shard.endpoint()));

        assertThatThrownBy(() -> client.push(1, direct(Layouts.tensors(5, 4, 7)), 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensor 1 (t1) has 7 elements, the layout has 6");
        assertThatThrownBy(() -> client.push(1, direct(Layouts.tensors(5, 4)), 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 1 tensors, the layout has 2");

        assertThat(client.push(2, direct(Layouts.tensors(5, sizes)), 8)).succeedsWithin(WAIT);
        assertThat(shard.awaitChunks(2)).extracting(c -> c.header().getStep()).containsOnly(2L);
    }

    @Test
    void inProcessDirectValuesAreCopiedSoNothingReadsThemOnceThePushIsDone() throws Exception {
        EventLoopGroup local = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        // Closed last: the resources close in the reverse order of their registration.
        closeLater(() -> local.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        FakeShard shard = shard(FakeShard.Reads.PAUSED).alsoInProcess(local);
        int[] sizes = {40_000, 3};
        ParameterClient client = closeLater(new ParameterClient(SETTINGS, JOB, RANK,
                Layouts.routing(new int[] {0, 0}, sizes, shard.endpoint()), clientGroup, DEFAULT_BOUND, Optional.of(local)));
        assertThat(client.connect()).succeedsWithin(WAIT);
        assertThat(client.inProcess()).isTrue();
        float[][] sums = Layouts.tensors(8, sizes);
        ByteBuffer[] memory = buffers(sums);

        assertThat(client.push(5, TensorValues.direct(memory), 4)).succeedsWithin(WAIT);
        // The shard has read nothing yet; the caller is free to reuse its memory.
        for (ByteBuffer tensor : memory) {
            while (tensor.hasRemaining()) {
                tensor.put((byte) 0x7f);
            }
        }
        shard.resumeReads();

        assertThat(shard.awaitChunks(4)).hasSize(4);
        assertSameFloats(shard.reassemble(0, 5, sizes[0]), sums[0], "tensor 0");
        assertSameFloats(shard.reassemble(1, 5, sizes[1]), sums[1], "tensor 1");
    }

    private static TensorValues direct(float[][] tensors) {
        return TensorValues.direct(buffers(tensors));
    }

    private static ByteBuffer[] buffers(float[][] tensors) {
        ByteBuffer[] buffers = new ByteBuffer[tensors.length];
        for (int t = 0; t < tensors.length; t++) {
            buffers[t] = ByteBuffer.allocateDirect(tensors[t].length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buffers[t].asFloatBuffer().put(tensors[t]);
        }
        return buffers;
    }

    @Test
    void seedSendsInitialWeightsAsVersionZeroWithoutSamples() throws Exception {
        FakeShard shard = shard();
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0}, new int[] {5, 2}, shard.endpoint()));
        float[][] weights = Layouts.tensors(2, 5, 2);

        assertThat(client.seed(weights)).succeedsWithin(WAIT);

        List<FakeShard.Chunk> chunks = shard.awaitChunks(2);
        assertThat(chunks).extracting(c -> c.header().getKind(), c -> c.header().getStep(), c -> c.header().getSampleCount())
                .containsOnly(tuple(FrameKind.INITIAL_WEIGHTS, 0L, 0L));
        assertSameFloats(shard.reassemble(0, 0, 5), weights[0], "tensor");
        assertSameFloats(shard.reassemble(1, 0, 2), weights[1], "tensor");
    }

    @Test
    void tensorsGoToTheEndpointOfTheirShard() throws Exception {
        FakeShard a = shard();
        FakeShard b = shard();
        int[] sizes = {10, 20, 30};
        ParameterClient client = connectedClient(Layouts.routing(new int[] {1, 0, 1}, sizes, a.endpoint(), b.endpoint()));
        float[][] sums = Layouts.tensors(3, sizes);

        assertThat(client.push(1, sums, 8)).succeedsWithin(WAIT);

        assertThat(a.awaitChunks(1)).extracting(c -> c.header().getTensorId()).containsExactly(1);
        assertThat(b.awaitChunks(2)).extracting(c -> c.header().getTensorId()).containsExactlyInAnyOrder(0, 2);
        assertSameFloats(a.reassemble(1, 1, 20), sums[1], "tensor");
        assertSameFloats(b.reassemble(0, 1, 10), sums[0], "tensor");
        assertSameFloats(b.reassemble(2, 1, 30), sums[2], "tensor");
    }

    @Test
    void shardsSharingAnEndpointShareOneConnection() throws Exception {
        FakeShard both = shard();
        int[] sizes = {10, 20};
        ParameterClient client = connectedClient(Layouts.routing(new int[] {1, 0}, sizes, both.endpoint(), both.endpoint()));
        float[][] sums = Layouts.tensors(4, sizes);

        assertThat(client.push(2, sums, 8)).succeedsWithin(WAIT);

        assertThat(both.awaitChunks(2)).extracting(c -> c.header().getTensorId()).containsExactlyInAnyOrder(0, 1);
        assertThat(both.connectionsAccepted()).isEqualTo(1);
        assertSameFloats(both.reassemble(0, 2, 10), sums[0], "tensor");
        assertSameFloats(both.reassemble(1, 2, 20), sums[1], "tensor");
    }

    @Test
    void badInputsThrowNamingTheTensorAndSendNothing() throws Exception {
        FakeShard shard = shard();
        int[] sizes = {4, 6};
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0}, sizes, shard.endpoint()));

        assertThatThrownBy(() -> client.push(1, Layouts.tensors(5, 4), 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 1 tensors, the layout has 2");
        assertThatThrownBy(() -> client.push(1, Layouts.tensors(5, 4, 7), 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensor 1 (t1) has 7 elements, the layout has 6");
        assertThatThrownBy(() -> client.push(1, new float[][] {new float[4], null}, 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensor 1 (t1) is null");
        assertThatThrownBy(() -> client.push(-1, Layouts.tensors(5, sizes), 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("step is negative");
        assertThatThrownBy(() -> client.push(1, Layouts.tensors(5, sizes), -8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample count is negative");
        assertThatThrownBy(() -> client.seed(Layouts.tensors(5, 5, 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensor 0 (t0) has 5 elements");

        // A valid push of another step afterwards: its chunks are the only ones the shard ever sees.
        assertThat(client.push(9, Layouts.tensors(5, sizes), 8)).succeedsWithin(WAIT);
        assertThat(shard.awaitChunks(2)).extracting(c -> c.header().getStep()).containsOnly(9L);
    }

    @Test
    void bytesInFlightStayWithinTheBoundWhileTheShardReadsSlowly() throws Exception {
        FakeShard slow = shard(FakeShard.Reads.SLOW);
        // 24 MiB: far more than the socket buffers (about 8 MiB) plus the bound can absorb.
        int[] sizes = {2 << 20, 2 << 20, 2 << 20};
        long bound = 4L * SETTINGS.chunkBytes();
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0, 0}, sizes, slow.endpoint()), bound);
        float[][] sums = Layouts.tensors(6, sizes);

        CompletableFuture<Void> push = client.push(3, sums, 64);

        assertThat(push).as("push() returns before the data is out").isNotDone();
        assertThat(push).succeedsWithin(WAIT);
        assertThat(client.peakBytesInFlight())
                .as("never more than the bound in flight, and the bound is what held the push back")
                .isLessThanOrEqualTo(bound)
                .isGreaterThan(bound - SETTINGS.chunkBytes());
        assertThat(client.bytesInFlight()).isZero();
        slow.awaitChunks(3 * (2 << 20) / CHUNK_FLOATS);
        for (int tensor = 0; tensor < sizes.length; tensor++) {
            assertSameFloats(slow.reassemble(tensor, 3, sizes[tensor]), sums[tensor], "tensor " + tensor);
        }
    }
}
