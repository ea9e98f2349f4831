package io.larcps.worker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ParameterClientPullTest extends ClientTestSupport {

    private static final int[] SIZES = {3, 40_000, 0, 1};
    private static final int[] ALL = {0, 1, 2, 3};

    @Test
    void pullAsksEveryShardOnceAndFillsEveryTensor() throws Exception {
        // The shard answers in 12 KiB chunks, not the client's 64 KiB: chunking is the sender's choice.
        FakeShard shard = shard().owns(0, ALL, SIZES);
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0, 0, 0}, SIZES, shard.endpoint()));
        float[][] into = Layouts.empty(SIZES);

        assertThat(client.pull(5, into)).succeedsWithin(WAIT);

        FrameHeader pull = shard.awaitPull();
        assertThat(pull.getKind()).isEqualTo(FrameKind.PULL_WEIGHTS);
        assertThat(pull.getJobId()).isEqualTo(JOB);
        assertThat(pull.getStep()).isEqualTo(5);
        assertThat(pull.getSenderRank()).isEqualTo(RANK);
        assertThat(pull.getShard()).isZero();
        assertWeights(into, 5);
    }

    @Test
    void pullGathersTensorsFromShardsOnSeveralEndpoints() throws Exception {
        // Shards 0 and 2 share endpoint a, shard 1 is alone on b.
        int[] sizes = {10, 20_000, 30};
        FakeShard a = shard().owns(0, new int[] {0}, new int[] {10}).owns(2, new int[] {2}, new int[] {30});
        FakeShard b = shard().owns(1, new int[] {1}, new int[] {20_000});
        ParameterClient client = connectedClient(
                Layouts.routing(new int[] {0, 1, 2}, sizes, a.endpoint(), b.endpoint(), a.endpoint()));
        float[][] into = Layouts.empty(sizes);

        assertThat(client.pull(2, into)).succeedsWithin(WAIT);

        assertThat(a.awaitPull().getShard()).isIn(0, 2);
        assertThat(a.awaitPull().getShard()).isIn(0, 2);
        assertThat(b.awaitPull().getShard()).isEqualTo(1);
        assertThat(a.connectionsAccepted()).isEqualTo(1);
        assertWeights(into, 2);
    }

    @Test
    void pullCompletesOnlyOnceTheLastChunkArrived() throws Exception {
        FakeShard shard = shard().owns(0, ALL, SIZES).holdBackLastChunk();
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0, 0, 0}, SIZES, shard.endpoint()));
        float[][] into = Layouts.empty(SIZES);

        CompletableFuture<Void> pull = client.pull(5, into);
        shard.awaitPull();

        // Everything but the last chunk is on its way; a short wait shows the pull does not complete early.
        assertThatThrownBy(() -> pull.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        shard.releaseHeldBack();
        assertThat(pull).succeedsWithin(WAIT);
        assertWeights(into, 5);
    }

    @Test
    void aPullParkedAtTheShardCompletesWhenTheShardAnswers() throws Exception {
        FakeShard shard = shard().owns(0, ALL, SIZES).parkPulls();
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0, 0, 0}, SIZES, shard.endpoint()));
        float[][] into = Layouts.empty(SIZES);

        CompletableFuture<Void> pull = client.pull(8, into);
        shard.awaitPull();
        assertThat(pull).isNotDone();

        shard.answerParked();
        assertThat(pull).succeedsWithin(WAIT);
        assertWeights(into, 8);
    }

    @Test
    void weightsOfAnotherVersionAreDropped() {
        FakeShard shard = shard().owns(0, ALL, SIZES).alsoAnswerWithVersion(4);
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0, 0, 0}, SIZES, shard.endpoint()));
        float[][] into = Layouts.empty(SIZES);

        assertThat(client.pull(5, into)).succeedsWithin(WAIT);

        assertWeights(into, 5);
    }

    @Test
    void oneVersionAtATime() throws Exception {
        FakeShard shard = shard().owns(0, ALL, SIZES).parkPulls();
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0, 0, 0}, SIZES, shard.endpoint()));
        float[][] into = Layouts.empty(SIZES);
        CompletableFuture<Void> first = client.pull(1, into);

        assertThatThrownBy(() -> client.pull(1, Layouts.empty(SIZES)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a pull of version 1 is still in progress");

        shard.awaitPull();
        shard.answerParked();
        assertThat(first).succeedsWithin(WAIT);
        CompletableFuture<Void> next = client.pull(2, into);
        shard.awaitPull();
        shard.answerParked();
        assertThat(next).succeedsWithin(WAIT);
        assertWeights(into, 2);
    }

    @Test
    void aPullTheCallerTimedOutFreesTheSlot() throws Exception {
        FakeShard shard = shard().owns(0, ALL, SIZES).parkPulls();
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0, 0, 0}, SIZES, shard.endpoint()));
        CompletableFuture<Void> abandoned = client.pull(1, Layouts.empty(SIZES));

        abandoned.completeExceptionally(new TimeoutException("caller gave up"));
        float[][] into = Layouts.empty(SIZES);
        CompletableFuture<Void> retry = client.pull(1, into);
        shard.awaitPull();
        shard.awaitPull();
        shard.answerParked();

        assertThat(retry).succeedsWithin(WAIT);
        assertWeights(into, 1);
    }

    @Test
    void weightsThatDoNotFitTheLayoutFailThePull() throws Exception {
        FakeShard shard = shard().owns(0, new int[] {0, 1}, new int[] {3, 41});
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0}, new int[] {3, 40}, shard.endpoint()));

        Throwable failure = failureOf(client.pull(5, Layouts.empty(3, 40)));

        assertThat(failure).isInstanceOf(DataPlaneException.class)
                .hasMessageContaining(shard.endpoint().toString())
                .hasMessageContaining("tensor 1 (t1) arrived with element_count 41, the layout says 40");
    }

    @Test
    void badTargetsThrowNamingTheTensor() {
        FakeShard shard = shard().owns(0, ALL, SIZES);
        ParameterClient client = connectedClient(Layouts.routing(new int[] {0, 0, 0, 0}, SIZES, shard.endpoint()));

        assertThatThrownBy(() -> client.pull(1, Layouts.empty(3, 40_000, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 3 tensors, the layout has 4");
        assertThatThrownBy(() -> client.pull(1, Layouts.empty(3, 40_000, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensor 2 (t2) has 1 elements, the layout has 0");
        assertThatThrownBy(() -> client.pull(-1, Layouts.empty(SIZES)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version is negative");
    }

    private static void assertWeights(float[][] into, long version) {
        for (int tensor = 0; tensor < into.length; tensor++) {
            assertSameFloats(into[tensor], Layouts.weights(version, tensor, into[tensor].length), "tensor " + tensor);
        }
    }
}
