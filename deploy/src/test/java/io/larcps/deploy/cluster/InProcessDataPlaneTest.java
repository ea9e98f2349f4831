package io.larcps.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.DType;
import io.larcps.proto.control.ShardAssignment;
import io.larcps.proto.control.ShardEndpoint;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.larcps.proto.frame.FloatBodies;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.server.transport.DataPlaneServer;
import io.larcps.server.transport.DataPlaneSettings;
import io.larcps.server.transport.FrameRouter;
import io.larcps.worker.transport.ParameterClient;
import io.larcps.worker.transport.ShardRouting;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A worker's client and a ps node's endpoint in one JVM: in-process when both sides allow it, TCP
 * otherwise, and the same frames either way.
 */
class InProcessDataPlaneTest {
    private static final FrameSettings FRAMES = new FrameSettings(1 << 20, 16);
    private static final EventLoopGroup LOOPS = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    /** The in-VM loop both sides share, as an ActorSystem's {@code InProcessLoop} gives them. */
    private static final EventLoopGroup IN_PROCESS = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    private static final TensorLayout LAYOUT = TensorLayout.newBuilder().addTensors(TensorSpec.newBuilder()
            .setName("w").addShape(6).setDtype(DType.FLOAT32).setKind(TensorKind.TRAINABLE)).build();
    private static final float[] WEIGHTS = {1, 2, 3, 4, 5, 6};

    private final List<float[]> pushed = new CopyOnWriteArrayList<>();
    /** Per frame the endpoint saw: whether it ran on the shared in-VM loop. */
    private final List<Boolean> onSharedLoop = new CopyOnWriteArrayList<>();

    @AfterAll
    static void stopLoops() {
        LOOPS.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        IN_PROCESS.shutdownGracefully(100, 1000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /** Records pushed chunks; answers a pull with the weights as version {@code step}, one frame. */
    private FrameRouter shard() {
        return (frame, replyTo) -> {
            FrameHeader header = frame.header();
            onSharedLoop.add(IN_PROCESS.next().inEventLoop());
            if (header.getKind() == FrameKind.GRADIENT_PUSH) {
                float[] values = new float[(int) header.getChunkLength()];
                FloatBodies.read(frame.body(), values, 0);
                pushed.add(values);
            } else if (header.getKind() == FrameKind.PULL_WEIGHTS) {
                var body = Unpooled.directBuffer(WEIGHTS.length * Float.BYTES);
                FloatBodies.write(WEIGHTS, 0, WEIGHTS.length, body);
                replyTo.send(new TensorFrame(FrameHeader.newBuilder().setKind(FrameKind.WEIGHTS).setJobId("job")
                        .setStep(header.getStep()).setTensorId(0).setDtype(DType.FLOAT32).setElementCount(6)
                        .setChunkOffset(0).setChunkLength(6).build(), body));
            }
            frame.release();
        };
    }

    /** Connects, pushes a gradient, pulls a version; returns whether the connection was in process. */
    private boolean exchange(boolean serverInProcess, boolean clientInProcess) throws Exception {
        pushed.clear();
        onSharedLoop.clear();
        try (DataPlaneServer server = DataPlaneServer.start(new DataPlaneSettings("127.0.0.1", 0, "127.0.0.1", 1, FRAMES),
                shard(), serverInProcess ? Optional.of(IN_PROCESS) : Optional.empty())) {
            ShardAssignment assignment = ShardAssignment.newBuilder().setJobId("job").setShardCount(1).setVersion(1)
                    .addShardOfTensor(0).addEndpoints(ShardEndpoint.newBuilder().setShard(0)
                            .setHost(server.advertisedAddress().getHostString())
                            .setPort(server.advertisedAddress().getPort())).build();
            try (ParameterClient client = new ParameterClient(FRAMES, "job", 0, ShardRouting.of(assignment, LAYOUT),
                    LOOPS, 1 << 20, clientInProcess ? Optional.of(IN_PROCESS) : Optional.empty())) {
                client.connect().get(10, TimeUnit.SECONDS);
                float[] gradient = {0.5f, -1, 2, 0, 7, 9};
                client.push(3, new float[][] {gradient}, 8).get(10, TimeUnit.SECONDS);
                float[][] into = {new float[6]};
                client.pull(4, into).get(10, TimeUnit.SECONDS);

                assertThat(into[0]).containsExactly(WEIGHTS);
                // 16-byte chunks: the 6 floats travel as 4 + 2.
                assertThat(pushed).hasSize(2);
                assertThat(pushed.get(0)).containsExactly(0.5f, -1, 2, 0);
                assertThat(pushed.get(1)).containsExactly(7, 9);
                return client.inProcess();
            }
        }
    }

    @Test
    void aWorkerReachesAnEndpointInItsOwnJvmWithoutASocketOnTheEndpointsLoop() throws Exception {
        assertThat(exchange(true, true)).isTrue();
        assertThat(onSharedLoop).hasSize(3).containsOnly(true);
    }

    @Test
    void eitherSideCanKeepTheDataPlaneOnTcp() throws Exception {
        assertThat(exchange(true, false)).as("the worker turned it off").isFalse();
        assertThat(exchange(false, true)).as("the node bound no in-process endpoint: the worker falls back").isFalse();
        assertThat(onSharedLoop).hasSize(3).containsOnly(false);
    }
}
