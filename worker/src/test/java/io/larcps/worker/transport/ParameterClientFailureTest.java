package io.larcps.worker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larcps.proto.data.ErrorCode;
import io.netty.channel.DefaultEventLoopGroup;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ParameterClientFailureTest extends ClientTestSupport {

    private static final int[] SIZES = {8, 100};
    private static final int[] ALL = {0, 1};

    @Test
    void anErrorFrameFailsThePullWithTheShardsCode() throws Exception {
        FakeShard shard = shard().owns(0, ALL, SIZES).rejectPulls(ErrorCode.STALE_STEP, "version 3 is older than 5");
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0}, SIZES, shard.endpoint()));

        Throwable failure = failureOf(client.pull(3, Layouts.empty(SIZES)));

        assertThat(failure).isInstanceOf(ParameterServerException.class)
                .hasMessageContaining("shard 0 at " + shard.endpoint())
                .hasMessageContaining("STALE_STEP: version 3 is older than 5");
        ParameterServerException rejection = (ParameterServerException) failure;
        assertThat(rejection.code()).isEqualTo(ErrorCode.STALE_STEP);
        assertThat(rejection.shard()).isZero();
        assertThat(rejection.step()).isEqualTo(3);
        assertThat(rejection.endpoint()).isEqualTo(shard.endpoint());
        assertThat(rejection.serverMessage()).isEqualTo("version 3 is older than 5");
    }

    @Test
    void aRejectedPushFailsThePullOfTheVersionItWouldHaveProduced() throws Exception {
        // Shards 0 and 1 share one connection: the ERROR for the push reaches the client before any
        // answer to the pull, and must name the shard of the refused tensor (tensor 0, shard 1).
        FakeShard shard = shard().owns(0, new int[] {1}, new int[] {SIZES[1]}).owns(1, new int[] {0}, new int[] {SIZES[0]})
                .rejectPushes(ErrorCode.LAYOUT_MISMATCH, "tensor 0 is FLOAT32 of 9 elements");
        ParameterClient client = connectedClient(
                Layouts.routing(new int[] {1, 0}, SIZES, shard.endpoint(), shard.endpoint()));

        // The push itself may complete first (its bytes are out before the shard looks at them).
        client.push(3, Layouts.tensors(7, SIZES), 16).handle((ok, failure) -> null).join();
        Throwable failure = failureOf(client.pull(4, Layouts.empty(SIZES)));

        assertThat(failure).isInstanceOf(ParameterServerException.class);
        ParameterServerException rejection = (ParameterServerException) failure;
        assertThat(rejection.code()).isEqualTo(ErrorCode.LAYOUT_MISMATCH);
        assertThat(rejection.step()).isEqualTo(3);
        assertThat(rejection.shard()).isEqualTo(1);

        // Pushing step 3 again forgets the refusal (this fake refuses a step once): version 4 arrives.
        assertThat(client.push(3, Layouts.tensors(8, SIZES), 16)).succeedsWithin(WAIT);
        float[][] into = Layouts.empty(SIZES);
        assertThat(client.pull(4, into)).succeedsWithin(WAIT);
        assertSameFloats(into[1], Layouts.weights(4, 1, SIZES[1]), "tensor 1");
    }

    @Test
    void aRefusalAfterWhichTheShardStillStepsDoesNotFailThePull() throws Exception {
        // A shard leaves a NaN contribution out of the sum and completes the step without it.
        FakeShard shard = shard().owns(0, ALL, SIZES).rejectPushes(ErrorCode.NON_FINITE_GRADIENT, "tensor 1 holds NaN");
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0}, SIZES, shard.endpoint()));
        float[][] sums = Layouts.tensors(7, SIZES);
        sums[1][5] = Float.NaN;

        client.push(3, sums, 16).handle((ok, failure) -> null).join();
        float[][] into = Layouts.empty(SIZES);

        assertThat(client.pull(4, into)).succeedsWithin(WAIT);
        assertSameFloats(into[1], Layouts.weights(4, 1, SIZES[1]), "tensor 1");
    }

    @Test
    void theServerHangingUpFailsPendingPushAndPullAndEveryLaterOperation() throws Exception {
        FakeShard deaf = shard(FakeShard.Reads.PAUSED).owns(0, ALL, SIZES);
        // 16 MiB cannot all leave while the shard reads nothing, so the push is still pending.
        int[] sizes = {4 << 20, 1};
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0}, sizes, deaf.endpoint()));
        CompletableFuture<Void> push = client.push(1, Layouts.tensors(9, sizes), 4);
        CompletableFuture<Void> pull = client.pull(2, Layouts.empty(sizes));
        assertThat(push).isNotDone();

        deaf.dropConnections();

        for (CompletableFuture<Void> pending : java.util.List.of(push, pull)) {
            assertThat(failureOf(pending)).isInstanceOf(DataPlaneException.class)
                    .hasMessageStartingWith(deaf.endpoint() + ": connection");
        }
        assertThat(failureOf(client.push(2, Layouts.tensors(9, sizes), 4))).isInstanceOf(DataPlaneException.class);
        assertThat(failureOf(client.pull(2, Layouts.empty(sizes)))).isInstanceOf(DataPlaneException.class);
    }

    @Test
    void closeFailsWhatIsPendingAndIsIdempotent() throws Exception {
        FakeShard shard = shard().owns(0, ALL, SIZES).parkPulls();
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0}, SIZES, shard.endpoint()));
        CompletableFuture<Void> pull = client.pull(1, Layouts.empty(SIZES));
        shard.awaitPull();

        client.close();
        client.close();

        assertThat(failureOf(pull)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("parameter client of job 'job-1', rank 2 is closed");
        assertThatThrownBy(() -> client.push(1, Layouts.tensors(1, SIZES), 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }

    @Test
    void anUnreachableEndpointFailsConnectNamingIt() throws Exception {
        int freePort;
        try (ServerSocket probe = new ServerSocket(0)) {
            freePort = probe.getLocalPort();
        }
        Endpoint nobody = new Endpoint("127.0.0.1", freePort);
        ParameterClient client = newClient(Layouts.routing(new int[] {0, 0}, SIZES, nobody), DEFAULT_BOUND);

        Throwable failure = failureOf(client.connect());

        assertThat(failure).isInstanceOf(DataPlaneException.class).hasMessageContaining(nobody + ": could not connect");
        assertThat(((DataPlaneException) failure).endpoint()).isEqualTo(nobody);
    }

    @Test
    void misuseIsRefusedUpFront() {
        FakeShard shard = shard();
        ShardRouting routing = Layouts.routing(new int[] {0, 0}, SIZES, shard.endpoint());
        ParameterClient client = newClient(routing, DEFAULT_BOUND);

        assertThatThrownBy(() -> client.pull(1, Layouts.empty(SIZES)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not connected yet");
        assertThat(client.connect()).succeedsWithin(WAIT);
        assertThatThrownBy(client::connect).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> newClient(routing, SETTINGS.chunkBytes() - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below one chunk");
        DefaultEventLoopGroup notNio = new DefaultEventLoopGroup(1);
        try {
            assertThatThrownBy(() -> new ParameterClient(SETTINGS, JOB, RANK, routing, notNio, DEFAULT_BOUND))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NIO event-loop group");
        } finally {
            notNio.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
