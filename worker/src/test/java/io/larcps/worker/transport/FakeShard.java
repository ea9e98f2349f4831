package io.larcps.worker.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.ErrorReport;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.InProcessEndpoints;
import io.larcps.proto.frame.TensorChunker;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.proto.frame.TensorFrameDecoder;
import io.larcps.proto.frame.TensorFrameEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A parameter shard's data-plane server reduced to what the client needs: decodes frames with the
 * real codec on 127.0.0.1 (port 0), records tensor chunks, answers PULL_WEIGHTS with WEIGHTS frames
 * of known content ({@link Layouts#weights}), and can be told to reject, park, hold back, read
 * slowly or not at all, or hang up.
 */
final class FakeShard implements AutoCloseable {

    static final int TIMEOUT_SECONDS = 5;

    /** How the server reads from its connections. */
    enum Reads {
        NORMAL,
        /** A small receive buffer and a pause after every decoded frame: the client must queue. */
        SLOW,
        /** Nothing is read until {@link #resumeReads()}. */
        PAUSED
    }

    /** A tensor chunk as received: its header and its elements. */
    record Chunk(FrameHeader header, float[] values) {
    }

    private static final int SLOW_RECEIVE_BUFFER = 64 << 10;
    private static final long SLOW_PAUSE_MICROS = 1_000;

    private final Reads reads;
    private final TensorChunker answerChunker;
    private final FrameSettings settings;
    private final Channel server;
    private volatile Channel inProcessServer;
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Map<Integer, int[]> tensorsOfShard = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> elementCounts = new ConcurrentHashMap<>();
    private final List<Chunk> chunks = new ArrayList<>();
    private final BlockingQueue<FrameHeader> pulls = new LinkedBlockingQueue<>();
    private final List<Runnable> parked = new ArrayList<>();
    private final List<Runnable> heldBack = new ArrayList<>();
    private final Set<Long> rejectedSteps = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionsAccepted = new AtomicInteger();

    private volatile ErrorReport pullRejection;
    private volatile ErrorReport pushRejection;
    private volatile boolean parkPulls;
    private volatile boolean holdBackLastChunk;
    private volatile Long staleVersion;

    /**
     * @param settings frame limits of the decoder; {@code answerChunkBytes} may differ from the
     *     client's chunk size, as a real shard's may
     */
    FakeShard(EventLoopGroup group, FrameSettings settings, int answerChunkBytes, Reads reads) {
        this.reads = reads;
        this.answerChunker = new TensorChunker(new FrameSettings(settings.maxFrameBytes(), answerChunkBytes));
        this.settings = settings;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, reads == Reads.NORMAL)
                .childHandler(connections());
        if (reads != Reads.NORMAL) {
            // Set on the listening socket so accepted sockets advertise the small window from the start.
            bootstrap.option(ChannelOption.SO_RCVBUF, SLOW_RECEIVE_BUFFER);
        }
        this.server = bootstrap.bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    private ChannelInitializer<Channel> connections() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                children.add(channel);
                connectionsAccepted.incrementAndGet();
                channel.pipeline().addLast(new TensorFrameDecoder(settings), new TensorFrameEncoder(settings), new Handler());
            }
        };
    }

    /**
     * Also serves this endpoint in process, on {@code localGroup} (Netty's in-VM transport, as a ps node
     * of the worker's own JVM does); a client given the same group reaches it there.
     */
    FakeShard alsoInProcess(EventLoopGroup localGroup) {
        Endpoint endpoint = endpoint();
        inProcessServer = new ServerBootstrap()
                .group(localGroup)
                .channel(LocalServerChannel.class)
                .childOption(ChannelOption.AUTO_READ, reads == Reads.NORMAL)
                .childHandler(connections())
                .bind(InProcessEndpoints.address(endpoint.host(), endpoint.port())).syncUninterruptibly().channel();
        return this;
    }

    Endpoint endpoint() {
        return new Endpoint("127.0.0.1", ((java.net.InetSocketAddress) server.localAddress()).getPort());
    }

    int connectionsAccepted() {
        return connectionsAccepted.get();
    }

    /** Answers pulls for {@code shard} with these tensors of the given sizes. */
    FakeShard owns(int shard, int[] tensorIds, int[] elementCountsOfThem) {
        tensorsOfShard.put(shard, tensorIds.clone());
        for (int i = 0; i < tensorIds.length; i++) {
            elementCounts.put(tensorIds[i], elementCountsOfThem[i]);
        }
        return this;
    }

    FakeShard rejectPulls(ErrorCode code, String message) {
        pullRejection = ErrorReport.newBuilder().setCode(code).setMessage(message).build();
        return this;
    }

    /** Answers the first chunk of every pushed step with an ERROR frame. */
    FakeShard rejectPushes(ErrorCode code, String message) {
        pushRejection = ErrorReport.newBuilder().setCode(code).setMessage(message).build();
        return this;
    }

    /** Keeps pulls unanswered until {@link #answerParked()}, as a shard does until the version exists. */
    FakeShard parkPulls() {
        parkPulls = true;
        return this;
    }

    /** Sends every answer but its last chunk until {@link #releaseHeldBack()}. */
    FakeShard holdBackLastChunk() {
        holdBackLastChunk = true;
        return this;
    }

    /** Precedes every answer with a complete answer for {@code version} (a late duplicate). */
    FakeShard alsoAnswerWithVersion(long version) {
        staleVersion = version;
        return this;
    }

    void answerParked() {
        runAll(parked);
    }

    void releaseHeldBack() {
        runAll(heldBack);
    }

    private static void runAll(List<Runnable> actions) {
        List<Runnable> copy;
        synchronized (actions) {
            copy = List.copyOf(actions);
            actions.clear();
        }
        copy.forEach(Runnable::run);
    }

    void resumeReads() {
        children.forEach(child -> child.config().setAutoRead(true));
    }

    /** Closes every accepted connection and waits until they are closed. */
    void dropConnections() {
        assertThat(children.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    /** Waits until {@code count} chunks in total have arrived and returns all received so far. */
    List<Chunk> awaitChunks(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        synchronized (chunks) {
            while (chunks.size() < count) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("%s chunks arrived in time, got %s", count, chunks.size()).isPositive();
                TimeUnit.NANOSECONDS.timedWait(chunks, left);
            }
            return List.copyOf(chunks);
        }
    }

    List<Chunk> chunks() {
        synchronized (chunks) {
            return List.copyOf(chunks);
        }
    }

    /** The next PULL_WEIGHTS header this shard received. */
    FrameHeader awaitPull() throws InterruptedException {
        FrameHeader pull = pulls.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(pull).as("a pull arrived in time").isNotNull();
        return pull;
    }

    /** The received chunks of {@code tensorId} and {@code step}, put back together by offset. */
    float[] reassemble(int tensorId, long step, int elements) {
        float[] whole = new float[elements];
        for (Chunk chunk : chunks()) {
            if (chunk.header().getTensorId() == tensorId && chunk.header().getStep() == step) {
                System.arraycopy(chunk.values(), 0, whole, (int) chunk.header().getChunkOffset(), chunk.values().length);
            }
        }
        return whole;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        if (inProcessServer != null) {
            inProcessServer.close().syncUninterruptibly();
        }
        children.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private final class Handler extends SimpleChannelInboundHandler<TensorFrame> {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (reads == Reads.SLOW) {
                ctx.read();
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (reads == Reads.SLOW && !ctx.channel().config().isAutoRead()) {
                ctx.executor().schedule(() -> {
                    ctx.read();
                }, SLOW_PAUSE_MICROS, TimeUnit.MICROSECONDS);
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TensorFrame frame) {
            FrameHeader header = frame.header();
            switch (header.getKind()) {
                case GRADIENT_PUSH, INITIAL_WEIGHTS -> received(ctx, header, frame.body());
                case PULL_WEIGHTS -> pulled(ctx, header);
                default -> throw new IllegalStateException("a worker sent a " + header.getKind() + " frame");
            }
        }

        private void received(ChannelHandlerContext ctx, FrameHeader header, ByteBuf body) {
            float[] values = new float[(int) header.getChunkLength()];
            ByteBuffer.wrap(ByteBufUtil.getBytes(body)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            synchronized (chunks) {
                chunks.add(new Chunk(header, values));
                chunks.notifyAll();
            }
            ErrorReport rejection = pushRejection;
            if (rejection != null && rejectedSteps.add(header.getStep())) {
                ctx.writeAndFlush(error(header.getStep(), header.getShard(), rejection));
            }
        }

        // The pull is published to awaitPull() last, so a test that saw it can answer a parked pull.
        private void pulled(ChannelHandlerContext ctx, FrameHeader pull) {
            ErrorReport rejection = pullRejection;
            if (rejection != null) {
                ctx.writeAndFlush(error(pull.getStep(), pull.getShard(), rejection));
            } else if (parkPulls) {
                synchronized (parked) {
                    parked.add(() -> ctx.executor().execute(() -> answer(ctx, pull)));
                }
            } else {
                answer(ctx, pull);
            }
            pulls.add(pull);
        }

        private void answer(ChannelHandlerContext ctx, FrameHeader pull) {
            List<TensorFrame> frames = new ArrayList<>();
            Long stale = staleVersion;
            if (stale != null) {
                frames.addAll(weightFrames(stale, pull));
            }
            frames.addAll(weightFrames(pull.getStep(), pull));
            if (holdBackLastChunk) {
                TensorFrame last = frames.remove(frames.size() - 1);
                synchronized (heldBack) {
                    heldBack.add(() -> ctx.writeAndFlush(last));
                }
            }
            frames.forEach(ctx::write);
            ctx.flush();
        }

        private List<TensorFrame> weightFrames(long version, FrameHeader pull) {
            List<TensorFrame> frames = new ArrayList<>();
            for (int tensorId : tensorsOfShard.getOrDefault(pull.getShard(), new int[0])) {
                float[] values = Layouts.weights(version, tensorId, elementCounts.get(tensorId));
                ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(values);
                ByteBuf tensor = Unpooled.wrappedBuffer(bytes.array());
                FrameHeader template = FrameHeader.newBuilder()
                        .setKind(FrameKind.WEIGHTS)
                        .setJobId(pull.getJobId())
                        .setStep(version)
                        .setTensorId(tensorId)
                        .setDtype(DType.FLOAT32)
                        .build();
                frames.addAll(answerChunker.split(template, tensor));
                tensor.release();
            }
            return frames;
        }

        private TensorFrame error(long step, int shard, ErrorReport report) {
            FrameHeader header = FrameHeader.newBuilder()
                    .setKind(FrameKind.ERROR)
                    .setJobId("job-1")
                    .setStep(step)
                    .setShard(shard)
                    .setError(report)
                    .build();
            return new TensorFrame(header, Unpooled.EMPTY_BUFFER);
        }
    }
}
