package io.larcps.proto.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlabReceiveAllocatorTest {
    private static final int MESSAGE_BYTES = 3 << 20;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(4, NioIoHandler.newFactory());
    private final List<ByteBuf> held = new CopyOnWriteArrayList<>();
    private final Map<Channel, List<ByteBuf>> byChannel = new ConcurrentHashMap<>();
    private final AtomicInteger readCompletes = new AtomicInteger();

    @AfterEach
    void stop() {
        held.forEach(ByteBuf::release);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void readsLandInKeptSlabsThatTheNextTransferReuses() throws Exception {
        try (SlabReceiveAllocator reads = new SlabReceiveAllocator(16 << 20)) {
            Channel sender = connectedSender(reads);
            byte[] message = randomBytes(1);

            send(sender, message);
            assertThat(receivedBytes()).isEqualTo(message);
            int keptAfterFirst = reads.kept();
            assertThat(keptAfterFirst).as("3 MiB held in 1 MiB slabs, the bound never reached").isBetween(3, 16);
            assertThat(reads.fallbacks()).isZero();
            releaseHeld();

            byte[] second = randomBytes(2);
            send(sender, second);
            assertThat(receivedBytes()).isEqualTo(second);
            assertThat(reads.kept()).as("released slabs are reused, not added to").isEqualTo(keptAfterFirst);
            assertThat(reads.fallbacks()).as("and every read of the second transfer landed in them").isZero();
            sender.close().sync();
        }
    }

    @Test
    void whileEverySlabIsHeldReadsComeFromTheChannelsAllocatorIntact() throws Exception {
        try (SlabReceiveAllocator reads = new SlabReceiveAllocator(SlabReceiveAllocator.SLAB_BYTES)) {
            Channel sender = connectedSender(reads);
            byte[] message = randomBytes(3);
            send(sender, message);
            assertThat(receivedBytes()).isEqualTo(message);
            assertThat(reads.kept()).isEqualTo(1);
            assertThat(reads.fallbacks()).as("one slab holds at most 1 MiB of the 3 MiB held").isPositive();
            sender.close().sync();
        }
    }

    @Test
    void connectionsOnDifferentEventLoopsReadConcurrentlyWithoutMixingTheirBytes() throws Exception {
        try (SlabReceiveAllocator reads = new SlabReceiveAllocator(64 << 20)) {
            Channel server = server(reads);
            List<Channel> senders = List.of(sender(server), sender(server), sender(server), sender(server), sender(server), sender(server));
            for (int round = 0; round < 20; round++) {
                List<byte[]> messages = new ArrayList<>();
                for (int i = 0; i < senders.size(); i++) {
                    messages.add(randomBytes(10L * round + i));
                    senders.get(i).writeAndFlush(Unpooled.wrappedBuffer(messages.get(i)));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (heldBytes() < (long) senders.size() * MESSAGE_BYTES && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(byChannel).hasSize(senders.size());
                Set<byte[]> expected = new HashSet<>(messages);
                for (List<ByteBuf> channelReads : byChannel.values()) {
                    byte[] received = concatenate(channelReads);
                    assertThat(expected).as("round %d: one connection's bytes, exactly as one sender sent them", round)
                            .anySatisfy(message -> assertThat(received).isEqualTo(message));
                }
                byChannel.clear();
                releaseHeld();
            }
            for (Channel sender : senders) {
                sender.close().sync();
            }
        }
    }

    @Test
    void aWakeUpReadsSeveralTimesAsNettysOwnDefaultDoes() throws Exception {
        try (SlabReceiveAllocator reads = new SlabReceiveAllocator(64 << 20)) {
            assertThat(reads.maxMessagesPerRead()).isEqualTo(16);
            Channel server = server(reads);
            Channel sender = sender(server);
            send(sender, randomBytes(4));
            assertThat(readCompletes.get()).as("%d reads in %d wake-ups", held.size(), readCompletes.get())
                    .isLessThan(held.size());
            sender.close().sync();
        }
    }

    @Test
    void theSlabOfAnEventLoopThreadThatEndedIsFreedForTheNextThread() throws Exception {
        try (SlabReceiveAllocator reads = new SlabReceiveAllocator(8 << 20)) {
            Thread ended = new Thread(() -> reads.newHandle().allocate(UnpooledByteBufAllocator.DEFAULT).release());
            ended.start();
            ended.join();
            ByteBuf read = reads.newHandle().allocate(UnpooledByteBufAllocator.DEFAULT);
            assertThat(reads.kept()).as("the ended thread's slab was taken over, not a second one added").isEqualTo(1);
            read.release();
        }
    }

    private Channel connectedSender(SlabReceiveAllocator reads) throws InterruptedException {
        return sender(server(reads));
    }

    private Channel server(SlabReceiveAllocator reads) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, reads)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                held.add((ByteBuf) msg);
                                byChannel.computeIfAbsent(ctx.channel(), c -> new CopyOnWriteArrayList<>()).add((ByteBuf) msg);
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                readCompletes.incrementAndGet();
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    private Channel sender(Channel server) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
    }

    private void send(Channel sender, byte[] message) throws InterruptedException {
        sender.writeAndFlush(Unpooled.wrappedBuffer(message)).sync();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (heldBytes() < message.length && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private long heldBytes() {
        return held.stream().mapToLong(ByteBuf::readableBytes).sum();
    }

    private byte[] receivedBytes() {
        return concatenate(held);
    }

    private static byte[] concatenate(List<ByteBuf> reads) {
        byte[] all = new byte[Math.toIntExact(reads.stream().mapToLong(ByteBuf::readableBytes).sum())];
        int at = 0;
        for (ByteBuf read : reads) {
            int length = read.readableBytes();
            read.getBytes(read.readerIndex(), all, at, length);
            at += length;
        }
        return all;
    }

    private void releaseHeld() {
        held.forEach(ByteBuf::release);
        held.clear();
    }

    private static byte[] randomBytes(long seed) {
        byte[] bytes = new byte[MESSAGE_BYTES];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
