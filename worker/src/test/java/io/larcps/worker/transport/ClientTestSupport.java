package io.larcps.worker.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.frame.FrameSettings;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Event loops for the client and for the fake shards (separate, as in production), small frame
 * settings so multi-chunk tensors stay small, and clean-up after every test.
 */
@ExtendWith(NoLeaks.class)
@Timeout(value = 15, unit = TimeUnit.SECONDS)
abstract class ClientTestSupport {

    /** 64 KiB chunks: a 40 000-element tensor takes three. */
    static final FrameSettings SETTINGS = new FrameSettings(1 << 20, 64 << 10);
    static final int CHUNK_FLOATS = SETTINGS.chunkBytes() / Float.BYTES;
    static final String JOB = "job-1";
    static final int RANK = 2;
    static final long DEFAULT_BOUND = 4L << 20;
    static final Duration WAIT = Duration.ofSeconds(FakeShard.TIMEOUT_SECONDS);

    static EventLoopGroup clientGroup;
    static EventLoopGroup serverGroup;

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    @BeforeAll
    static void startEventLoops() {
        clientGroup = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        serverGroup = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopEventLoops() {
        clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void closeResources() throws Exception {
        while (!resources.isEmpty()) {
            resources.pop().close();
        }
    }

    FakeShard shard(FakeShard.Reads reads) {
        return closeLater(new FakeShard(serverGroup, SETTINGS, 12 << 10, reads));
    }

    FakeShard shard() {
        return shard(FakeShard.Reads.NORMAL);
    }

    ParameterClient newClient(ShardRouting routing, long maxBytesInFlight) {
        return closeLater(new ParameterClient(SETTINGS, JOB, RANK, routing, clientGroup, maxBytesInFlight));
    }

    ParameterClient connectedClient(ShardRouting routing) {
        return connectedClient(routing, DEFAULT_BOUND);
    }

    ParameterClient connectedClient(ShardRouting routing, long maxBytesInFlight) {
        ParameterClient client = newClient(routing, maxBytesInFlight);
        assertThat(client.connect()).succeedsWithin(WAIT);
        return client;
    }

    <T extends AutoCloseable> T closeLater(T resource) {
        resources.push(resource);
        return resource;
    }

    /**
     * Bitwise equality of two float arrays, reported by first difference: AssertJ's containsExactly
     * computes a full diff, which is quadratic on million-element arrays.
     */
    static void assertSameFloats(float[] actual, float[] expected, String what) {
        assertThat(actual.length).as("%s length", what).isEqualTo(expected.length);
        int mismatch = java.util.Arrays.mismatch(actual, expected);
        if (mismatch >= 0) {
            int differing = 0;
            for (int i = mismatch; i < actual.length; i++) {
                differing += Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i]) ? 1 : 0;
            }
            throw new AssertionError(what + ": " + differing + " of " + actual.length + " elements differ, the first at "
                    + mismatch + ": " + actual[mismatch] + " instead of " + expected[mismatch]);
        }
    }

    /** The exception {@code future} fails with, within the wait; fails the test if it succeeds or hangs. */
    static Throwable failureOf(CompletableFuture<?> future) throws InterruptedException {
        try {
            future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not fail within " + WAIT, e);
        }
        throw new AssertionError("the future completed normally, a failure was expected");
    }
}
