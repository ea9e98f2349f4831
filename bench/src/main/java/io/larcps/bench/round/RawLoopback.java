package io.larcps.bench.round;

import io.netty.bootstrap.Bootstrap;
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
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The loopback ceiling the data plane works against: Netty discard receivers ({@link RawReceiver})
 * fed by one connection per worker and receiver, each sending one worker's push (the model's bytes,
 * cut per tensor into frames of at most chunk-bytes, from a direct buffer) per repetition. Socket
 * options, event-loop counts and the bytes-in-flight bound are the data plane's. Nothing is encoded,
 * decoded or summed: this is what the transport alone can do. With one receiver it takes all of a
 * worker's push; with one per shard, shard r's receiver takes shard r's tensors, all at once.
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
        return inProcess(senders, List.of(frames), reps, maxInFlight, chunkBytes, receiverThreads, senderThreads)
                .msPerReceiver().get(0);
    }

    /**
     * What a raw run measured: per receiver, milliseconds per repetition; and each repetition's span,
     * {@code [start, end]} in System.nanoTime, from its common start until every receiver had its bytes.
     */
    public record Timed(List<List<Double>> msPerReceiver, List<List<Long>> spansNanos) {
        /** A run's repetitions from its clock's bounds (each start, then the end of the last). */
        static Timed of(List<List<Double>> msPerReceiver, List<Long> bounds) {
            return new Timed(msPerReceiver, Stamped.spans(bounds));
        }

        /** The same without the first {@code warmup} repetitions. */
        public Timed measured(int warmup) {
            List<List<Double>> ms = new ArrayList<>();
            for (List<Double> receiver : msPerReceiver) {
                ms.add(new ArrayList<>(receiver.subList(warmup, receiver.size())));
            }
            return new Timed(ms, new ArrayList<>(spansNanos.subList(warmup, spansNanos.size())));
        }

        /** These repetitions, then {@code later}'s: measurements before and after the rounds, pooled. */
        public Timed then(Timed later) {
            List<List<Double>> ms = new ArrayList<>();
            for (int r = 0; r < msPerReceiver.size(); r++) {
                List<Double> both = new ArrayList<>(msPerReceiver.get(r));
                both.addAll(later.msPerReceiver().get(r));
                ms.add(both);
            }
            List<List<Long>> spans = new ArrayList<>(spansNanos);
            spans.addAll(later.spansNanos());
            return new Timed(ms, spans);
        }
    }

    /**
     * Several receivers at once in this JVM, as several ps nodes: every sender connects to every
     * receiver and sends it {@code framesPerReceiver.get(r)} per repetition, within an equal part of
     * {@code maxInFlight} per connection. Each receiver has its own {@code receiverThreads} event loops
     * and all share one repetition clock ({@link RawReceiver.Clock}).
     */
    public static Timed inProcess(int senders, List<int[]> framesPerReceiver, int reps, long maxInFlight,
            int chunkBytes, int receiverThreads, int senderThreads) throws Exception {
        List<ByteBuf> sources = new ArrayList<>();
        List<RawReceiver> receivers = new ArrayList<>();
        RawReceiver.Clock clock = new RawReceiver.Clock(framesPerReceiver.size(), reps);
        EventLoopGroup senderLoops = new MultiThreadIoEventLoopGroup(senderThreads, NioIoHandler.newFactory());
        try {
            for (int[] frames : framesPerReceiver) {
                receivers.add(new RawReceiver(senders, bytes(frames) * senders, clock, receiverThreads));
            }
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                for (int r = 0; r < receivers.size(); r++) {
                    int[] frames = framesPerReceiver.get(r);
                    ByteBuf source = source(bytes(frames));
                    sources.add(source);
                    sent.add(send(senderLoops, receivers.get(r).port(), source, frames, reps,
                            maxInFlight / receivers.size(), chunkBytes));
                }
            }
            List<List<Double>> ms = new ArrayList<>();
            for (RawReceiver receiver : receivers) {
                ms.add(receiver.done().get(10, TimeUnit.MINUTES));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
            return Timed.of(ms, clock.bounds());
        } finally {
            receivers.forEach(RawReceiver::close);
            senderLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            sources.forEach(ByteBuf::release);
        }
    }

    /** The frames a worker sends each receiver: all of them to one, else receiver r gets shard r's tensors. */
    public static List<int[]> framesPerReceiver(int[] tensorElements, int receivers, int chunkBytes) {
        if (receivers == 1) {
            return List.of(frames(tensorElements, chunkBytes));
        }
        int[] shardOf = ShardShares.assign(tensorElements, receivers);
        List<int[]> frames = new ArrayList<>();
        for (int r = 0; r < receivers; r++) {
            frames.add(frames(ShardShares.tensorsOf(tensorElements, shardOf, r), chunkBytes));
        }
        return frames;
    }

    /** Bytes of a list of frames. */
    public static long bytes(int[] frames) {
        long total = 0;
        for (int frame : frames) {
            total += frame;
        }
        return total;
    }

    /**
     * Child-process entry points: {@code receivers SENDERS REPS IO_THREADS BYTES_PER_SENDER[,...]} starts
     * one receiver per comma-separated size on one clock, prints {@code LARCPS-RAW ports P[,...]} and, at
     * the end, {@code LARCPS-RAW ms R M} per receiver and repetition and {@code LARCPS-RAW bound NANOS}
     * per {@link RawReceiver.Clock#bounds() bound};
     * {@code sender PORTS REPS MAX_IN_FLIGHT CHUNK_BYTES SENDER_THREADS} sends the layout's frames to
     * each of the comma-separated ports ({@link #framesPerReceiver}).
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "receivers" -> {
                int senders = Integer.parseInt(args[1]);
                int reps = Integer.parseInt(args[2]);
                int ioThreads = Integer.parseInt(args[3]);
                String[] perSender = args[4].split(",");
                RawReceiver.Clock clock = new RawReceiver.Clock(perSender.length, reps);
                List<RawReceiver> receivers = new ArrayList<>();
                try {
                    List<String> ports = new ArrayList<>();
                    for (String bytes : perSender) {
                        RawReceiver receiver = new RawReceiver(senders, Long.parseLong(bytes) * senders, clock, ioThreads);
                        receivers.add(receiver);
                        ports.add(String.valueOf(receiver.port()));
                    }
                    System.out.println(PREFIX + "ports " + String.join(",", ports));
                    System.out.flush();
                    for (int r = 0; r < receivers.size(); r++) {
                        for (double ms : receivers.get(r).done().get(10, TimeUnit.MINUTES)) {
                            System.out.println(PREFIX + "ms " + r + " " + ms);
                        }
                    }
                    for (long at : clock.bounds()) {
                        System.out.println(PREFIX + "bound " + at);
                    }
                } finally {
                    receivers.forEach(RawReceiver::close);
                }
            }
            case "sender" -> {
                String[] ports = args[1].split(",");
                int reps = Integer.parseInt(args[2]);
                long maxInFlight = Long.parseLong(args[3]);
                int chunkBytes = Integer.parseInt(args[4]);
                List<int[]> frames = framesPerReceiver(ModelLayout.sizes(ModelLayout.load(ModelLayout.defaultPath())),
                        ports.length, chunkBytes);
                List<ByteBuf> sources = new ArrayList<>();
                EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Integer.parseInt(args[5]), NioIoHandler.newFactory());
                try {
                    List<CompletableFuture<Void>> sent = new ArrayList<>();
                    for (int r = 0; r < ports.length; r++) {
                        ByteBuf source = source(bytes(frames.get(r)));
                        sources.add(source);
                        sent.add(send(loops, Integer.parseInt(ports[r]), source, frames.get(r), reps,
                                maxInFlight / ports.length, chunkBytes));
                    }
                    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
                } finally {
                    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
                    sources.forEach(ByteBuf::release);
                }
            }
            default -> throw new IllegalArgumentException("first argument must be receivers or sender, got " + args[0]);
        }
        System.exit(0);
    }
}
