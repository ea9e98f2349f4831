package io.larcps.bench.round;

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
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A discard receiver of the raw loopback measurement ({@link RawLoopback}): it reads and releases,
 * on event loops of its own, with the data plane's socket options. Its repetitions are clocked by a
 * {@link Clock} it may share with other receivers, as the ps nodes of a round share the step's start.
 */
public final class RawReceiver implements AutoCloseable {
    private final int senders;
    private final long bytesPerRep;
    private final Clock clock;
    private final long[] end;
    private final AtomicLong received = new AtomicLong();
    private final List<Channel> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger connected = new AtomicInteger();
    private final CompletableFuture<List<Double>> done = new CompletableFuture<>();
    private final EventLoopGroup group;
    private final Channel server;

    /**
     * @param bytesPerRep bytes of one repetition over all of this receiver's senders
     * @param ioThreads its event loops (the data plane's io-threads = 0 means 2 x cores)
     */
    public RawReceiver(int senders, long bytesPerRep, Clock clock, int ioThreads) throws InterruptedException {
        this.senders = senders;
        this.bytesPerRep = bytesPerRep;
        this.clock = clock;
        this.end = new long[clock.reps];
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, NioIoHandler.newFactory());
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_RCVBUF, RawLoopback.SOCKET_BUFFER_BYTES)
                .childOption(ChannelOption.SO_SNDBUF, RawLoopback.SOCKET_BUFFER_BYTES)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, RawLoopback.SERVER_WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Discard());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        clock.join(this);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Milliseconds of each repetition, from its common start to this receiver's last byte; completes after the last. */
    public CompletableFuture<List<Double>> done() {
        return done;
    }

    /** Tells every sender to send one repetition (after the last, to stop). */
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
                clock.ready();
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            long bytes = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
            ReferenceCountUtil.release(msg);
            long total = received.addAndGet(bytes);
            if (bytes == 0 || total % bytesPerRep != 0) {
                if (total > bytesPerRep * clock.reps) {
                    done.completeExceptionally(new IllegalStateException("received " + total + " bytes, more than "
                            + clock.reps + " repetitions of " + bytesPerRep));
                }
                return;
            }
            int rep = (int) (total / bytesPerRep) - 1;
            end[rep] = System.nanoTime();
            // Before completing: whoever waits for every receiver reads the clock's bounds next.
            clock.finished(rep);
            if (rep + 1 == clock.reps) {
                List<Double> ms = new ArrayList<>();
                for (int k = 0; k < clock.reps; k++) {
                    ms.add((end[k] - clock.start(k)) / 1e6);
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

    /**
     * Starts each repetition on every member receiver at once: the first when every member has all its
     * senders connected, each next one when every member has all bytes of the previous. Senders never
     * send ahead of a go, so the byte count alone delimits repetitions.
     */
    public static final class Clock {
        private final int members;
        private final int reps;
        private final long[] start;
        private final int[] finished;
        private final List<RawReceiver> receivers = new ArrayList<>();
        private int ready;
        private long lastEnd;

        public Clock(int members, int reps) {
            this.members = members;
            this.reps = reps;
            this.start = new long[reps];
            this.finished = new int[reps];
        }

        private synchronized void join(RawReceiver receiver) {
            if (receivers.size() == members) {
                throw new IllegalStateException("the clock has its " + members + " receivers already");
            }
            receivers.add(receiver);
        }

        private synchronized void ready() {
            if (++ready == members) {
                start[0] = System.nanoTime();
                receivers.forEach(RawReceiver::go);
            }
        }

        private synchronized void finished(int rep) {
            if (++finished[rep] == members) {
                if (rep + 1 < reps) {
                    start[rep + 1] = System.nanoTime();
                } else {
                    lastEnd = System.nanoTime();
                }
                receivers.forEach(RawReceiver::go);
            }
        }

        private synchronized long start(int rep) {
            return start[rep];
        }

        /**
         * System.nanoTime of each repetition's start, then of the end of the last, once every member
         * has all its bytes: the bounds of the repetitions.
         */
        public synchronized List<Long> bounds() {
            List<Long> bounds = new ArrayList<>();
            for (long at : start) {
                bounds.add(at);
            }
            bounds.add(lastEnd);
            return bounds;
        }
    }
}
