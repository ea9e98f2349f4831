package io.larcps.worker.transport;

import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.InProcessEndpoints;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.proto.frame.TensorFrameDecoder;
import io.larcps.proto.frame.TensorFrameEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One connection per distinct shard endpoint, with the data-plane pipeline (decoder, encoder,
 * {@link ShardFrameHandler}): in process ({@link InProcessEndpoints}) when the endpoint lives in this
 * JVM and that is enabled, else TCP with socket options sized for multi-MiB chunks.
 */
final class ShardChannels {

    /**
     * Kernel socket buffers: 4 MiB covers the bandwidth-delay product of 25 Gb/s at 1 ms, so one
     * chunk is not throttled by the TCP window. Linux caps the request at net.core.wmem_max /
     * rmem_max (and an explicit size switches autotuning off), so raise those sysctls on hosts with
     * longer or faster links.
     */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final ShardRouting routing;
    private final FrameSettings settings;
    private final InboundSink sink;
    private final Bootstrap bootstrap;
    /** Null when every endpoint is reached over TCP. */
    private final Bootstrap inProcessBootstrap;
    private final Map<Endpoint, Channel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param inProcessLoop when present, each endpoint's in-process address is tried before TCP, on this
     *     group of {@link LocalIoHandler} loops (the caller's; the one the endpoints use, so frames
     *     cross without a thread switch)
     * @param reads where TCP connections take their socket read buffers
     */
    ShardChannels(ShardRouting routing, EventLoopGroup group, FrameSettings settings, InboundSink sink,
            Optional<EventLoopGroup> inProcessLoop, RecvByteBufAllocator reads) {
        // The channel class must match the group's I/O handler; NIO runs everywhere.
        if (!(group instanceof IoEventLoopGroup ioGroup) || !ioGroup.isIoType(NioIoHandler.class)) {
            throw new IllegalArgumentException("the data-plane client needs an NIO event-loop group, e.g. "
                    + "new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory()); got " + group.getClass().getName());
        }
        this.routing = routing;
        this.settings = settings;
        this.sink = sink;
        // The client bounds its own queue (InFlightBudget); the water marks only decide when a channel
        // reports itself unwritable, and the 32/64 KiB defaults would flip that on every chunk.
        int chunk = settings.chunkBytes();
        WriteBufferWaterMark waterMark = new WriteBufferWaterMark(chunk, (int) Math.min(2L * chunk, Integer.MAX_VALUE));
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .option(ChannelOption.RCVBUF_ALLOCATOR, reads);
        this.inProcessBootstrap = inProcessLoop.map(loop -> new Bootstrap()
                .group(loop)
                .channel(LocalChannel.class)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)).orElse(null);
    }

    /** Connects to every endpoint; fails with a {@link DataPlaneException} naming the first endpoint that failed. */
    CompletableFuture<Void> connect() {
        List<Endpoint> endpoints = routing.endpoints();
        CompletableFuture<Void> all = new CompletableFuture<>();
        AtomicInteger pending = new AtomicInteger(endpoints.size());
        for (Endpoint endpoint : endpoints) {
            connect(endpoint).whenComplete((channel, failure) -> {
                if (failure != null) {
                    all.completeExceptionally(failure);
                } else if (pending.decrementAndGet() == 0) {
                    all.complete(null);
                }
            });
        }
        return all;
    }

    /** Whether every connection is in process (no socket); for logs and tests. */
    boolean allInProcess() {
        return !channels.isEmpty() && channels.values().stream().allMatch(LocalChannel.class::isInstance);
    }

    /** Whether {@code shard}'s connection is in process, where a frame's body reaches the shard as it is, not through a socket. */
    boolean inProcess(int shard) {
        return channels.get(routing.endpointOf(shard)) instanceof LocalChannel;
    }

    private CompletableFuture<Channel> connect(Endpoint endpoint) {
        CompletableFuture<Channel> connected = new CompletableFuture<>();
        if (inProcessBootstrap == null) {
            connectTcp(endpoint, connected);
            return connected;
        }
        // Refused at once when no endpoint of that name is bound in this JVM: then TCP.
        ChannelFuture local = inProcessBootstrap.clone().handler(pipeline(endpoint))
                .connect(InProcessEndpoints.address(endpoint.host(), endpoint.port()));
        channels.put(endpoint, local.channel());
        local.addListener(f -> {
            if (f.isSuccess()) {
                connected.complete(local.channel());
            } else {
                connectTcp(endpoint, connected);
            }
        });
        return connected;
    }

    private void connectTcp(Endpoint endpoint, CompletableFuture<Channel> connected) {
        ChannelFuture tcp = bootstrap.clone().handler(pipeline(endpoint)).connect(endpoint.host(), endpoint.port());
        channels.put(endpoint, tcp.channel());
        if (closed) {
            // close() ran while the in-process attempt was refused; it could not see this channel.
            tcp.channel().close();
        }
        tcp.addListener(f -> {
            if (f.isSuccess()) {
                connected.complete(tcp.channel());
            } else {
                connected.completeExceptionally(new DataPlaneException(endpoint, "could not connect", f.cause()));
            }
        });
    }

    private ChannelInitializer<Channel> pipeline(Endpoint endpoint) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(
                        new TensorFrameDecoder(settings),
                        new TensorFrameEncoder(settings),
                        new ShardFrameHandler(endpoint, sink));
            }
        };
    }

    /**
     * Writes {@code frame} (taking ownership) to the connection of {@code shard} and reports the
     * outcome to {@code onDone}: null once the bytes are in the socket, else the failure.
     *
     * <p>The write is always queued to the channel's event loop, even from that loop: Netty runs an
     * in-loop write at once but queues others, so mixing both could reorder frames that callers
     * issued in order from different threads.
     */
    void send(int shard, TensorFrame frame, Consumer<Throwable> onDone) {
        Endpoint endpoint = routing.endpointOf(shard);
        Channel channel = channels.get(endpoint);
        if (channel == null) {
            frame.release();
            onDone.accept(new DataPlaneException(endpoint, "not connected"));
            return;
        }
        try {
            channel.eventLoop().execute(() -> channel.writeAndFlush(frame).addListener(f -> onDone.accept(
                    f.isSuccess() ? null : writeFailure(endpoint, channel, f.cause()))));
        } catch (RejectedExecutionException e) {
            frame.release();
            onDone.accept(new DataPlaneException(endpoint, "its event loop is shut down", e));
        }
    }

    // Netty fails the queued writes of a closing channel before it reports the channel inactive.
    private static DataPlaneException writeFailure(Endpoint endpoint, Channel channel, Throwable cause) {
        String what = channel.isActive() ? "could not write a frame" : "connection lost while writing a frame";
        return new DataPlaneException(endpoint, what + ": " + cause, cause);
    }

    /** Starts closing every connection; does not wait, so it is safe on an event loop. */
    void close() {
        closed = true;
        channels.values().forEach(Channel::close);
    }
}
