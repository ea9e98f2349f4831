package io.larcps.bench.round;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loopback ceiling the data plane works against: a Netty discard receiver (reads and releases)
 * fed by one connection per worker, each sending one worker's push (the model's bytes, cut per tensor
 * into frames of at most chunk-bytes, from a direct buffer of the model's full size) per repetition.
 * Socket options, event-loop counts and the bytes-in-flight bound are the data plane's. Nothing is
 * encoded, decoded or summed: this is what the transport alone can do.
 *
 * <p>Repetitions are clocked by the receiver alone: once every connection is up it sends each sender
 * a one-byte go; a repetition ends when all senders' bytes of it have arrived, and the next go goes
 * out at once. Senders never send ahead of a go, so the byte count alone delimits repetitions.
 */
public final class RawLoopback {
    /** Printed before the receiver's lines in child processes. */
    public static final String PREFIX = "LARCPS-RAW ";
    /** The data-plane server's socket buffers and water marks (DataPlaneServer). */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;
    static final WriteBufferWaterMark SERVER_WATER_MARK = new WriteBufferWaterMark(8 << 20, 32 << 20);

    private RawLoopback() {
    }

    /** Frame body sizes of one worker's push: each tensor cut into pieces of at most {@code chunkBytes}. */
    public static int[] frames(int[] tensorElements, int chunkBytes) {
        int perChunk = chunkBytes / Float.BYTES;
        List<Integer> frames = new ArrayList<>();
        for (int elements : tensorElements) {
            int offset = 0;
            do {
                int length = Math.min(perChunk, elements - offset);
                frames.add(length * Float.BYTES);
                offset += length;
            } while (offset < elements);
        }
        return frames.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Receiver side. */
    public static final class Receiver implements AutoCloseable {
        private final int senders;
        private final long bytesPerRep;
        private final int reps;
        private final long[] start;
        private final long[] end;
        private final AtomicLong received = new AtomicLong();
        private final List<Channel> connections = new CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger connected = new java.util.concurrent.atomic.AtomicInteger();
        private final CompletableFuture<List<Double>> done = new CompletableFuture<>();
        private final EventLoopGroup group;
        private final Channel server;

        /**
         * @param bytesPerRep bytes of one repetition over all senders
         * @param ioThreads the receiver's event loops (the data plane's io-threads = 0 means 2 x cores)
         */
        public Receiver(int senders, long bytesPerRep, int reps, int ioThreads) throws InterruptedException {
            this.senders = senders;
            this.bytesPerRep = bytesPerRep;
            this.reps = reps;
            this.start = new long[reps];
            this.end = new long[reps];
            this.group = new MultiThreadIoEventLoopGroup(ioThreads, NioIoHandler.newFactory());
            this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                    .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, SERVER_WATER_MARK)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new Discard());
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
        }

        public int port() {
            return ((InetSocketAddress) server.localAddress()).getPort();
        }

        /** Milliseconds of each repetition; completes after the last. */
        public CompletableFuture<List<Double>> done() {
            return done;
        }

        private void go() {
            for (Channel channel : connections) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
            }
        }

        private final class Discard extends ChannelInboundHandlerAdapter {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                connections.add(ctx.channel());
                // One thread sees the last connection arrive; its add and every earlier one are visible to it.
                if (connected.incrementAndGet() == senders) {
                    start[0] = System.nanoTime();
                    go();
                }
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                long bytes = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
                ReferenceCountUtil.release(msg);
                long total = received.addAndGet(bytes);
                if (bytes == 0 || total % bytesPerRep != 0) {
                    if (total > bytesPerRep * reps) {
                        done.completeExceptionally(new IllegalStateException("received " + total + " bytes, more than "
                                + reps + " repetitions of " + bytesPerRep));
                    }
                    return;
                }
                int rep = (int) (total / bytesPerRep) - 1;
                long now = System.nanoTime();
                end[rep] = now;
                if (rep + 1 < reps) {
                    start[rep + 1] = now;
                }
                go();
                if (rep + 1 == reps) {
                    List<Double> ms = new ArrayList<>();
                    for (int k = 0; k < reps; k++) {
                        ms.add((end[k] - start[k]) / 1e6);
                    }
                    done.complete(ms);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                done.completeExceptionally(cause);
                ctx.close();
            }
        }

        @Override
        public void close() {
            connections.forEach(Channel::close);
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * One sender: connects, then per go sends the frames (retained slices of {@code source}, one
     * writeAndFlush each, as the worker's client does) with at most {@code maxInFlight} bytes written
     * but not yet in the socket. Completes after the receiver's final go.
     */
    public static CompletableFuture<Void> send(EventLoopGroup group, int port, ByteBuf source, int[] frames, int reps,
            long maxInFlight, int chunkBytes) {
        CompletableFuture<Void> finished = new CompletableFuture<>();
        WriteBufferWaterMark waterMark = new WriteBufferWaterMark(chunkBytes, 2 * chunkBytes);
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Pump(source, frames, reps, maxInFlight, finished));
                    }
                })
                .connect("127.0.0.1", port)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        finished.completeExceptionally(f.cause());
                    }
                });
        return finished;
    }

    private static final class Pump extends ChannelInboundHandlerAdapter {
        private final ByteBuf source;
        private final int[] frames;
        private final int reps;
        private final long maxInFlight;
        private final CompletableFuture<Void> finished;
        private int gos;
        private int next = -1;
        private long offset;
        private long inFlight;
        private Channel channel;

        Pump(ByteBuf source, int[] frames, int reps, long maxInFlight, CompletableFuture<Void> finished) {
            this.source = source;
            this.frames = frames;
            this.reps = reps;
            this.maxInFlight = maxInFlight;
            this.finished = finished;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            channel = ctx.channel();
            int count = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
            ReferenceCountUtil.release(msg);
            for (int i = 0; i < count; i++) {
                gos++;
                if (gos > reps) {
                    finished.complete(null);
                    ctx.close();
                    return;
                }
                next = 0;
                offset = 0;
                pump();
            }
        }

        private void pump() {
            while (next >= 0 && next < frames.length && (inFlight == 0 || inFlight + frames[next] <= maxInFlight)) {
                int bytes = frames[next];
                ByteBuf slice = source.retainedSlice((int) offset, bytes);
                offset += bytes;
                next++;
                inFlight += bytes;
                channel.writeAndFlush(slice).addListener(f -> {
                    inFlight -= bytes;
                    if (!f.isSuccess()) {
                        finished.completeExceptionally(f.cause());
                        channel.close();
                        return;
                    }
                    pump();
                });
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finished.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!finished.isDone()) {
                finished.completeExceptionally(new IllegalStateException("the receiver closed the connection after "
                        + gos + " of " + (reps + 1) + " gos"));
            }
            ctx.fireChannelInactive();
        }
    }

    /** A direct buffer of {@code bytes} random bytes (content is irrelevant; random defeats any compression). */
    public static ByteBuf source(long bytes) {
        ByteBuf buffer = Unpooled.directBuffer(Math.toIntExact(bytes), Math.toIntExact(bytes));
        byte[] block = new byte[1 << 16];
        ThreadLocalRandom.current().nextBytes(block);
        while (buffer.isWritable()) {
            buffer.writeBytes(block, 0, Math.min(block.length, buffer.writableBytes()));
        }
        return buffer;
    }

    /**
     * Receiver and senders in this JVM: {@code senders} connections, each sending {@code frames} per
     * repetition. @return milliseconds per repetition
     */
    public static List<Double> inProcess(int senders, int[] frames, int reps, long maxInFlight, int chunkBytes,
            int receiverThreads, int senderThreads) throws Exception {
        long perSender = 0;
        for (int frame : frames) {
            perSender += frame;
        }
        List<ByteBuf> sources = new ArrayList<>();
        EventLoopGroup senderLoops = new MultiThreadIoEventLoopGroup(senderThreads, NioIoHandler.newFactory());
        try (Receiver receiver = new Receiver(senders, perSender * senders, reps, receiverThreads)) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                ByteBuf source = source(perSender);
                sources.add(source);
                sent.add(send(senderLoops, receiver.port(), source, frames, reps, maxInFlight, chunkBytes));
            }
            List<Double> ms = receiver.done().get(10, TimeUnit.MINUTES);
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
            return ms;
        } finally {
            senderLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            sources.forEach(ByteBuf::release);
        }
    }

    /**
     * Child-process entry points: {@code receiver SENDERS BYTES_PER_SENDER REPS IO_THREADS} prints
     * {@code LARCPS-RAW port P} and, at the end, {@code LARCPS-RAW ms M} per repetition;
     * {@code sender PORT REPS MAX_IN_FLIGHT CHUNK_BYTES SENDER_THREADS} sends the layout's frames.
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "receiver" -> {
                int senders = Integer.parseInt(args[1]);
                long perSender = Long.parseLong(args[2]);
                int reps = Integer.parseInt(args[3]);
                try (Receiver receiver = new Receiver(senders, perSender * senders, reps, Integer.parseInt(args[4]))) {
                    System.out.println(PREFIX + "port " + receiver.port());
                    System.out.flush();
                    for (double ms : receiver.done().get(10, TimeUnit.MINUTES)) {
                        System.out.println(PREFIX + "ms " + ms);
                    }
                }
            }
            case "sender" -> {
                int port = Integer.parseInt(args[1]);
                int reps = Integer.parseInt(args[2]);
                long maxInFlight = Long.parseLong(args[3]);
                int chunkBytes = Integer.parseInt(args[4]);
                int[] frames = frames(ModelLayout.sizes(ModelLayout.load(ModelLayout.defaultPath())), chunkBytes);
                long perSender = 0;
                for (int frame : frames) {
                    perSender += frame;
                }
                ByteBuf source = source(perSender);
                EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Integer.parseInt(args[5]), NioIoHandler.newFactory());
                try {
                    send(loops, port, source, frames, reps, maxInFlight, chunkBytes).get(10, TimeUnit.MINUTES);
                } finally {
                    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
                    source.release();
                }
            }
            default -> throw new IllegalArgumentException("first argument must be receiver or sender, got " + args[0]);
        }
        System.exit(0);
    }
}
