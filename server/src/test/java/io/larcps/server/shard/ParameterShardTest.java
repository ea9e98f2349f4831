package io.larcps.server.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.DType;
import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorSpec;
import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.TensorChunker;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.server.coordinator.TrainingCoordinator;
import io.larcps.server.optim.LayerwiseOptimizer;
import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.TensorState;
import io.larcps.server.optim.UpdateKernel;
import io.larcps.server.optim.UpdateKernels;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One shard entity driven directly by messages: seeding, steps, pulls and every kind of bad push. */
class ParameterShardTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final UpdateKernel KERNEL = UpdateKernels.best();
    private static final OptimizerSettings OPTIMIZER = OptimizerSettings.apexLarc(0.02, 5e-4, 0.9);
    /** Small chunks so a 10-element tensor travels as several frames. */
    private static final FrameSettings FRAMES = new FrameSettings(1 << 20, 16);

    private final TensorSpec weight = TensorSpec.newBuilder().setName("fc.W").addShape(2).addShape(5)
            .setDtype(DType.FLOAT32).setKind(TensorKind.TRAINABLE).build();
    private final TensorSpec runningMean = TensorSpec.newBuilder().setName("bn.mean").addShape(3)
            .setDtype(DType.FLOAT32).setKind(TensorKind.RUNNING_STATISTIC).build();
    private final float[] initialWeight = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    private final float[] initialMean = {0, 0, 0};

    private ShardDirectory<ActorRef<ParameterShard.Command>> directory;
    private TestProbe<TrainingCoordinator.Command> coordinator;
    private ActorRef<ParameterShard.Command> shard;
    private RecordingSink peer;

    @AfterAll
    static void stopKit() {
        KIT.shutdownTestKit();
    }

    @BeforeEach
    void startShard() {
        directory = new ShardDirectory<>();
        coordinator = KIT.createTestProbe();
        peer = new RecordingSink();
        ShardSpec spec = new ShardSpec("job", 1, List.of(4, 9), List.of(weight, runningMean), OPTIMIZER, false);
        shard = KIT.spawn(ParameterShard.create(spec.entityId(), directory, InetSocketAddress.createUnresolved("127.0.0.1", 7),
                KERNEL, new TensorChunker(FRAMES)));
        shard.tell(new ParameterShard.Configure(spec, coordinator.getRef()));
        assertThat(coordinator.expectMessageClass(TrainingCoordinator.ShardConfigured.class).port()).isEqualTo(7);
    }

    private static ByteBuf floats(float[] values) {
        ByteBuf buf = Unpooled.directBuffer(values.length * 4);
        for (float v : values) {
            buf.writeFloatLE(v);
        }
        return buf;
    }

    private void send(FrameKind kind, long step, int rank, int tensor, float[] values, long samples) {
        FrameHeader header = FrameHeader.newBuilder().setKind(kind).setJobId("job").setStep(step).setSenderRank(rank)
                .setTensorId(tensor).setChunkOffset(0).setChunkLength(values.length).setDtype(DType.FLOAT32)
                .setElementCount(values.length).setSampleCount(samples).build();
        shard.tell(new ParameterShard.ReceiveFrame(new TensorFrame(header, floats(values)), peer));
    }

    private void pull(long version) {
        FrameHeader header = FrameHeader.newBuilder().setKind(FrameKind.PULL_WEIGHTS).setJobId("job").setStep(version)
                .setSenderRank(0).setShard(1).build();
        shard.tell(new ParameterShard.ReceiveFrame(new TensorFrame(header, Unpooled.EMPTY_BUFFER), peer));
    }

    private void seed() {
        send(FrameKind.INITIAL_WEIGHTS, 0, 0, 4, initialWeight, 0);
        send(FrameKind.INITIAL_WEIGHTS, 0, 0, 9, initialMean, 0);
        coordinator.expectMessageClass(TrainingCoordinator.ShardSeeded.class);
    }

    private void plan(long step, double lr, Integer... ranks) {
        shard.tell(new ParameterShard.PlanStep(StepPlan.newBuilder().setJobId("job").setStep(step)
                .addAllParticipantRanks(List.of(ranks)).setLearningRate(lr).build(), ParameterShard.ALL_WORKERS,
                coordinator.getRef()));
    }

    /** Pulls a version and reassembles tensor id -> values from the chunks. */
    private float[][] pullWeights(long version) throws InterruptedException {
        pull(version);
        return reassemble(peer.takeChunks(4), version);
    }

    private static float[][] reassemble(List<RecordingSink.Chunk> chunks, long version) {
        float[][] byTensor = new float[10][];
        for (RecordingSink.Chunk chunk : chunks) {
            assertThat(chunk.header().getStep()).isEqualTo(version);
            int id = chunk.header().getTensorId();
            if (byTensor[id] == null) {
                byTensor[id] = new float[(int) chunk.header().getElementCount()];
            }
            System.arraycopy(chunk.values(), 0, byTensor[id], (int) chunk.header().getChunkOffset(), chunk.values().length);
        }
        return byTensor;
    }

    @Test
    void aPullWaitsForTheSeedThenGetsVersionZero() throws InterruptedException {
        pull(0);
        assertThat(peer.chunks).isEmpty();
        seed();
        // 10 floats in 16-byte chunks: 3 frames; 3 floats: 1 frame.
        float[][] weights = reassemble(peer.takeChunks(4), 0);
        assertThat(weights[4]).containsExactly(initialWeight);
        assertThat(weights[9]).containsExactly(initialMean);
    }

    @Test
    void aStepSumsInRankOrderAppliesLarcAndAveragesRunningStatistics() throws InterruptedException {
        seed();
        float[] g0 = {1, -1, 2, -2, 3, -3, 4, -4, 5, -5};
        float[] g1 = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
        pull(1);
        // Rank 1 first and before the plan: the shard holds it, then sums rank 0 + rank 1.
        send(FrameKind.GRADIENT_PUSH, 0, 1, 4, g1, 8);
        send(FrameKind.GRADIENT_PUSH, 0, 1, 9, new float[] {8, 8, 8}, 8);
        plan(0, 0.4, 0, 1);
        send(FrameKind.GRADIENT_PUSH, 0, 0, 4, g0, 24);
        send(FrameKind.GRADIENT_PUSH, 0, 0, 9, new float[] {24, 48, 0}, 24);

        TrainingCoordinator.StepApplied applied = coordinator.expectMessageClass(TrainingCoordinator.StepApplied.class);
        assertThat(applied.step()).isZero();
        assertThat(applied.tensorIds()).containsExactly(4, 9);
        assertThat(applied.trustFactors().get(1)).isNaN();

        float[] sum = new float[10];
        for (int i = 0; i < 10; i++) {
            sum[i] = g0[i] + g1[i];
        }
        TensorState expected = TensorState.of("fc.W", initialWeight.clone());
        double factor = new LayerwiseOptimizer(OPTIMIZER, KERNEL).step(expected, sum, 1f / 32, 0.4);
        assertThat(applied.trustFactors().get(0)).isEqualTo(factor);

        float[][] weights = reassemble(peer.takeChunks(4), 1);
        assertThat(weights[4]).containsExactly(expected.weights());
        assertThat(weights[9]).containsExactly(1f, 1.75f, 0.25f);
    }

    @Test
    void eachAppliedStepIsPublishedWithTheBytesItTookInAndWhen() throws InterruptedException {
        TestProbe<ParameterShard.StepTimed> timings = KIT.createTestProbe();
        KIT.system().eventStream().tell(new EventStream.Subscribe<>(ParameterShard.StepTimed.class, timings.getRef()));
        try {
            seed();
            // Refused by the step checks: neither counted nor the start of the step's intake.
            send(FrameKind.GRADIENT_PUSH, 3, 0, 4, new float[10], 8);
            assertThat(peer.nextError().code()).isEqualTo(ErrorCode.FUTURE_STEP);
            long before = System.nanoTime();
            // Rank 1 arrives before the plan and is held: its arrival starts the intake.
            send(FrameKind.GRADIENT_PUSH, 0, 1, 4, new float[10], 8);
            send(FrameKind.GRADIENT_PUSH, 0, 1, 9, new float[3], 8);
            plan(0, 0.4, 0, 1);
            send(FrameKind.GRADIENT_PUSH, 0, 0, 4, new float[10], 8);
            send(FrameKind.GRADIENT_PUSH, 0, 0, 9, new float[3], 8);
            coordinator.expectMessageClass(TrainingCoordinator.StepApplied.class);

            ParameterShard.StepTimed timed = timings.expectMessageClass(ParameterShard.StepTimed.class);
            assertThat(timed.jobId()).isEqualTo("job");
            assertThat(timed.shard()).isEqualTo(1);
            assertThat(timed.lane()).isEqualTo(ParameterShard.ALL_WORKERS);
            assertThat(timed.step()).isZero();
            assertThat(timed.gradientBytes()).isEqualTo(2 * (10 + 3) * Float.BYTES);
            assertThat(timed.firstChunkNanos()).isGreaterThanOrEqualTo(before);
            assertThat(timed.gatheredNanos()).isGreaterThanOrEqualTo(timed.firstChunkNanos());
            assertThat(timed.appliedNanos()).isGreaterThanOrEqualTo(timed.gatheredNanos());
            timings.expectNoMessage(Duration.ofMillis(100));

            // The next step's intake starts with its own first chunk.
            plan(1, 0.4, 0);
            send(FrameKind.GRADIENT_PUSH, 1, 0, 4, new float[10], 8);
            send(FrameKind.GRADIENT_PUSH, 1, 0, 9, new float[3], 8);
            coordinator.expectMessageClass(TrainingCoordinator.StepApplied.class);
            ParameterShard.StepTimed next = timings.expectMessageClass(ParameterShard.StepTimed.class);
            assertThat(next.step()).isEqualTo(1);
            assertThat(next.gradientBytes()).isEqualTo((10 + 3) * Float.BYTES);
            assertThat(next.firstChunkNanos()).isGreaterThan(timed.appliedNanos());
        } finally {
            KIT.system().eventStream().tell(new EventStream.Unsubscribe<>(timings.getRef()));
        }
    }

    /** One single-worker step of {@code gradient} at rate 0.4; returns the weights of the next version. */
    private float[][] step(long step, float[] gradient) throws InterruptedException {
        plan(step, 0.4, 0);
        send(FrameKind.GRADIENT_PUSH, step, 0, 4, gradient, 8);
        send(FrameKind.GRADIENT_PUSH, step, 0, 9, new float[] {8, 16, 24}, 8);
        coordinator.expectMessageClass(TrainingCoordinator.StepApplied.class);
        return pullWeights(step + 1);
    }

    @Test
    void aCheckpointRestoresWeightsAndMomentumSoTheStepsAfterItRepeatExactly(@TempDir Path root)
            throws InterruptedException {
        seed();
        float[] g = {1, -1, 2, -2, 3, -3, 4, -4, 5, -5};
        step(0, g);
        shard.tell(new ParameterShard.WriteCheckpoint(1, root.toString(), coordinator.getRef()));
        TrainingCoordinator.CheckpointWritten written = coordinator.expectMessageClass(TrainingCoordinator.CheckpointWritten.class);
        assertThat(written.version()).isEqualTo(1);
        assertThat(written.files()).containsExactlyInAnyOrder("tensor-4.weights.npy", "tensor-4.momentum.npy",
                "tensor-9.weights.npy");
        float[][] second = step(1, g);
        float[][] third = step(2, g);

        ShardSpec spec = new ShardSpec("job", 1, List.of(4, 9), List.of(weight, runningMean), OPTIMIZER, false);
        shard.tell(new ParameterShard.RestoreCheckpoint(spec, 1, root.toString(), 1, coordinator.getRef()));
        TrainingCoordinator.ShardRestored restored = coordinator.expectMessageClass(TrainingCoordinator.ShardRestored.class);
        assertThat(restored.version()).isEqualTo(1);
        assertThat(restored.port()).isEqualTo(7);
        // The replay gives the same bits: the momentum came back with the weights.
        assertThat(step(1, g)[4]).containsExactly(second[4]);
        assertThat(step(2, g)[4]).containsExactly(third[4]);

        // The same recovery ordered again (a retry) is answered but not applied a second time.
        shard.tell(new ParameterShard.RestoreCheckpoint(spec, 1, root.toString(), 1, coordinator.getRef()));
        coordinator.expectMessageClass(TrainingCoordinator.ShardRestored.class);
        assertThat(pullWeights(3)[4]).containsExactly(third[4]);
    }

    @Test
    void aCheckpointOfAnotherVersionOrAMissingOneIsRefusedAndChangesNothing(@TempDir Path root)
            throws InterruptedException {
        seed();
        shard.tell(new ParameterShard.WriteCheckpoint(5, root.toString(), coordinator.getRef()));
        assertThat(coordinator.expectMessageClass(TrainingCoordinator.CheckpointFailed.class).reason())
                .contains("cannot write version 5").contains("holds version 0");
        ShardSpec spec = new ShardSpec("job", 1, List.of(4, 9), List.of(weight, runningMean), OPTIMIZER, false);
        shard.tell(new ParameterShard.RestoreCheckpoint(spec, 3, root.toString(), 1, coordinator.getRef()));
        assertThat(coordinator.expectMessageClass(TrainingCoordinator.CheckpointFailed.class).reason())
                .contains("could not restore").contains("tensor-4.weights.npy").contains("missing");
        assertThat(pullWeights(0)[4]).containsExactly(initialWeight);
    }

    @Test
    void badPushesAreRefusedAndChangeNoWeight() throws InterruptedException {
        seed();
        float[] ten = new float[10];
        send(FrameKind.GRADIENT_PUSH, 3, 0, 4, ten, 8);
        assertThat(peer.nextError().code()).isEqualTo(ErrorCode.FUTURE_STEP);
        plan(0, 0.4, 0);
        send(FrameKind.GRADIENT_PUSH, 0, 5, 4, ten, 8);
        assertThat(peer.nextError().code()).isEqualTo(ErrorCode.NOT_A_PARTICIPANT);
        send(FrameKind.GRADIENT_PUSH, 0, 0, 4, new float[7], 8);
        assertThat(peer.nextError().code()).isEqualTo(ErrorCode.LAYOUT_MISMATCH);
        float[] poisoned = ten.clone();
        poisoned[3] = Float.NaN;
        send(FrameKind.GRADIENT_PUSH, 0, 0, 4, poisoned, 8);
        assertThat(peer.nextError().code()).isEqualTo(ErrorCode.NON_FINITE_GRADIENT);
        send(FrameKind.GRADIENT_PUSH, 0, 0, 4, ten, 8);
        assertThat(peer.nextError().code()).isEqualTo(ErrorCode.DUPLICATE_PUSH);
        send(FrameKind.GRADIENT_PUSH, 0, 0, 9, new float[] {3, 3, 3}, 8);
        coordinator.expectMessageClass(TrainingCoordinator.StepApplied.class);

        float[][] weights = pullWeights(1);
        assertThat(weights[4]).as("the NaN contribution was the only one: no update").containsExactly(initialWeight);
        assertThat(weights[9]).containsExactly(3f / 8, 3f / 8, 3f / 8);

        send(FrameKind.GRADIENT_PUSH, 0, 0, 4, ten, 8);
        assertThat(peer.nextError().code()).isEqualTo(ErrorCode.STALE_STEP);
        pull(0);
        assertThat(peer.nextError().code()).isEqualTo(ErrorCode.STALE_STEP);
        send(FrameKind.INITIAL_WEIGHTS, 0, 0, 4, ten, 0);
        assertThat(peer.nextError().code()).isEqualTo(ErrorCode.STALE_STEP);
        assertThat(peer.errors).isEmpty();
    }

    @Test
    void asynchronousLanesApplyEachWorkerOnArrivalAndAnswerItsOwnPulls() throws InterruptedException {
        ShardSpec spec = new ShardSpec("async", 0, List.of(4), List.of(weight), OPTIMIZER, true);
        ActorRef<ParameterShard.Command> lanes = KIT.spawn(ParameterShard.create(spec.entityId(), directory,
                InetSocketAddress.createUnresolved("127.0.0.1", 7), KERNEL, new TensorChunker(FRAMES)));
        lanes.tell(new ParameterShard.Configure(spec, coordinator.getRef()));
        coordinator.expectMessageClass(TrainingCoordinator.ShardConfigured.class);
        RecordingSink rank0 = new RecordingSink();
        RecordingSink rank1 = new RecordingSink();
        lanes.tell(frame("async", FrameKind.INITIAL_WEIGHTS, 0, 0, 4, initialWeight, 0, rank0));
        coordinator.expectMessageClass(TrainingCoordinator.ShardSeeded.class);
        lanes.tell(frame("async", FrameKind.PULL_WEIGHTS, 1, 0, 0, null, 0, rank0));
        lanes.tell(frame("async", FrameKind.PULL_WEIGHTS, 1, 1, 0, null, 0, rank1));
        StepPlan plan = StepPlan.newBuilder().setJobId("async").setStep(0).addParticipantRanks(0).addParticipantRanks(1)
                .setLearningRate(0.4).build();
        lanes.tell(new ParameterShard.PlanStep(plan, 1, coordinator.getRef()));
        float[] g1 = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        lanes.tell(frame("async", FrameKind.GRADIENT_PUSH, 0, 1, 4, g1, 8, rank1));

        TrainingCoordinator.StepApplied applied = coordinator.expectMessageClass(TrainingCoordinator.StepApplied.class);
        assertThat(applied.lane()).isEqualTo(1);
        TensorState expected = TensorState.of("fc.W", initialWeight.clone());
        new LayerwiseOptimizer(OPTIMIZER, KERNEL).step(expected, g1, 1f / 8, 0.4);
        assertThat(reassemble(rank1.takeChunks(3), 1)[4]).as("rank 1 needs only its own step").containsExactly(expected.weights());
        assertThat(rank0.chunks).as("rank 0's step 0 is not applied yet").isEmpty();

        lanes.tell(new ParameterShard.PlanStep(plan, 0, coordinator.getRef()));
        float[] g0 = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
        lanes.tell(frame("async", FrameKind.GRADIENT_PUSH, 0, 0, 4, g0, 8, rank0));
        coordinator.expectMessageClass(TrainingCoordinator.StepApplied.class);
        new LayerwiseOptimizer(OPTIMIZER, KERNEL).step(expected, g0, 1f / 8, 0.4);
        assertThat(reassemble(rank0.takeChunks(3), 1)[4]).as("both contributions, in arrival order").containsExactly(expected.weights());
        lanes.tell(frame("async", FrameKind.GRADIENT_PUSH, 0, 1, 4, g1, 8, rank1));
        assertThat(rank1.nextError().code()).isEqualTo(ErrorCode.STALE_STEP);
        KIT.stop(lanes, Duration.ofSeconds(5));
    }

    private static ParameterShard.ReceiveFrame frame(String job, FrameKind kind, long step, int rank, int tensor,
            float[] values, long samples, RecordingSink sink) {
        FrameHeader.Builder header = FrameHeader.newBuilder().setKind(kind).setJobId(job).setStep(step).setSenderRank(rank);
        if (values == null) {
            return new ParameterShard.ReceiveFrame(new TensorFrame(header.build(), Unpooled.EMPTY_BUFFER), sink);
        }
        header.setTensorId(tensor).setChunkLength(values.length).setDtype(DType.FLOAT32).setElementCount(values.length)
                .setSampleCount(samples);
        return new ParameterShard.ReceiveFrame(new TensorFrame(header.build(), floats(values)), sink);
    }

    @Test
    void aShardStartedAnewWithoutItsTensorsReportsItselfLostWhenPlanned() {
        ActorRef<ParameterShard.Command> fresh = KIT.spawn(ParameterShard.create("job/3", directory,
                InetSocketAddress.createUnresolved("127.0.0.1", 9), KERNEL, new TensorChunker(FRAMES)));
        fresh.tell(new ParameterShard.PlanStep(StepPlan.newBuilder().setJobId("job").setStep(12).build(),
                ParameterShard.ALL_WORKERS, coordinator.getRef()));
        TrainingCoordinator.ShardLost lost = coordinator.expectMessageClass(TrainingCoordinator.ShardLost.class);
        assertThat(lost.entityId()).isEqualTo("job/3");
        assertThat(lost.endpoint()).isEqualTo("127.0.0.1:9");
        KIT.stop(fresh, Duration.ofSeconds(5));
    }

    @Test
    void theDirectoryRoutesToTheShardWhileItLives() {
        assertThat(directory.byTensor("job", 9)).isInstanceOf(ShardDirectory.Route.Found.class);
        assertThat(directory.byShard("job", 1)).isInstanceOf(ShardDirectory.Route.Found.class);
        assertThat(directory.byTensor("job", 5)).isInstanceOfSatisfying(ShardDirectory.Route.Missing.class,
                missing -> assertThat(missing.code()).isEqualTo(ErrorCode.UNKNOWN_TENSOR));
        assertThat(directory.byTensor("other", 9)).isInstanceOfSatisfying(ShardDirectory.Route.Missing.class,
                missing -> assertThat(missing.code()).isEqualTo(ErrorCode.UNKNOWN_JOB));
        KIT.stop(shard, Duration.ofSeconds(5));
        assertThat(directory.byShard("job", 1)).isInstanceOf(ShardDirectory.Route.Missing.class);
    }
}
