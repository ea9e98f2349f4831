package io.larcps.server.transport;

import io.larcps.proto.frame.InProcessEndpoints;
import io.larcps.proto.frame.SlabReceiveAllocator;
import io.larcps.proto.frame.TensorFrameDecoder;
import io.larcps.proto.frame.TensorFrameEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parameter-server node's data-plane endpoint: framing, then the codec, then one handler that
 * routes typed frames to the shard entities of this node.
 */
public final class DataPlaneServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataPlaneServer.class);
    /** Several MiB chunks in flight per connection before the writer backs off. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(8 << 20, 32 << 20);
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final EventLoopGroup group;
    private final SlabReceiveAllocator reads;
    private final Channel serverChannel;
    private final Channel inProcessChannel;
    private final InetSocketAddress advertised;

    private DataPlaneServer(EventLoopGroup group, SlabReceiveAllocator reads, Channel serverChannel,
            Channel inProcessChannel, InetSocketAddress advertised) {
        this.group = group;
        this.reads = reads;
        this.serverChannel = serverChannel;
        this.inProcessChannel = inProcessChannel;
        this.advertised = advertised;
    }

    /** Binds TCP only and starts serving; the port is the OS's choice when the settings say 0. */
    public static DataPlaneServer start(DataPlaneSettings settings, FrameRouter router) throws InterruptedException {
        return start(settings, router, Optional.empty());
    }

    /**
     * Binds and starts serving; the port is the OS's choice when the settings say 0.
     *
     * @param inProcessLoop when present, the endpoint is also bound in process ({@link InProcessEndpoints})
     *     on this group of {@link io.netty.channel.local.LocalIoHandler} loops, which the caller owns
     *     (an {@link io.larcps.proto.frame.InProcessLoop}, so that workers of this JVM share it)
     */
    public static DataPlaneServer start(DataPlaneSettings settings, FrameRouter router,
            Optional<EventLoopGroup> inProcessLoop) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(settings.ioThreads(), NioIoHandler.newFactory());
        SlabReceiveAllocator reads = new SlabReceiveAllocator(settings.keptReceiveBytes());
        ChannelInitializer<Channel> pipeline = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("frame-decoder", new TensorFrameDecoder(settings.frames()));
                ch.pipeline().addLast("frame-encoder", new TensorFrameEncoder(settings.frames()));
                ch.pipeline().addLast("router", new DataPlaneHandler(router));
            }
        };
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                    .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, reads)
                    .childHandler(pipeline)
                    .bind(settings.bindHost(), settings.port())
                    .sync()
                    .channel();
            int port = ((InetSocketAddress) channel.localAddress()).getPort();
            InetSocketAddress advertised = InetSocketAddress.createUnresolved(settings.advertisedHost(), port);
            Channel inProcess = inProcessLoop.isPresent() ? bindInProcess(inProcessLoop.get(), pipeline, advertised) : null;
            LOG.info("data plane listening on {}:{} (advertised as {}{})", settings.bindHost(), port, advertised,
                    inProcess == null ? "" : ", and in process as " + inProcess.localAddress());
            return new DataPlaneServer(group, reads, channel, inProcess, advertised);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            reads.close();
            throw e;
        }
    }

    /**
     * The same pipeline on Netty's in-VM transport, for workers in this JVM. A name already taken
     * (another node advertising the same host and port here) leaves this node on TCP only.
     */
    private static Channel bindInProcess(EventLoopGroup group, ChannelInitializer<Channel> pipeline,
            InetSocketAddress advertised) throws InterruptedException {
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(LocalServerChannel.class)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(pipeline)
                .bind(InProcessEndpoints.address(advertised.getHostString(), advertised.getPort()))
                .await();
        if (!bound.isSuccess()) {
            LOG.warn("could not bind the in-process endpoint for {}: {}; workers in this JVM use TCP", advertised,
                    bound.cause().toString());
            return null;
        }
        return bound.channel();
    }

    /** The host and port workers should connect to. */
    public InetSocketAddress advertisedAddress() {
        return advertised;
    }

    @Override
    public void close() {
        if (inProcessChannel != null) {
            inProcessChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        reads.close();
    }
}
