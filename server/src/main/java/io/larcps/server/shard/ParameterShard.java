package io.larcps.server.shard;

import io.larcps.proto.control.StepPlan;
import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.frame.TensorChunker;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.proto.serialization.ControlMessage;
import io.larcps.server.checkpoint.ShardCheckpoint;
import io.larcps.server.coordinator.TrainingCoordinator;
import io.larcps.server.optim.LayerwiseOptimizer;
import io.larcps.server.optim.UpdateKernel;
import io.larcps.server.transport.FrameSink;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One shard of a job's parameters, a Cluster Sharding entity on role {@code ps}. It is the only writer
 * of its tensors: gradient chunks reach it by message from this node's data plane, it sums each
 * step's pushes in rank order, applies the optimizer, and answers pulls for the new version.
 *
 * <p>Lifecycle: configured by the coordinator, seeded with rank 0's initial weights (version 0), then
 * steps. Steps run in lanes: in synchronous mode one lane for all workers, whose step t waits for
 * every participant; in asynchronous mode one lane per worker, each contribution applied as soon as
 * it is complete (the coordinator bounds how far a worker may run ahead). A lane's clock is the step
 * it collects; a pull for version v is answered once the puller's lane has applied step v - 1. Pushes
 * for the step being collected may arrive before the coordinator's plan for it; they are held.
 */
public final class ParameterShard extends AbstractBehavior<ParameterShard.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "larcps-shard");

    public sealed interface Command {
    }

    /** From the coordinator: own these tensors; answered with {@link TrainingCoordinator.ShardConfigured}. */
    public record Configure(ShardSpec spec, ActorRef<TrainingCoordinator.Command> coordinator)
            implements Command, ControlMessage {
    }

    /**
     * From the coordinator: the plan (participants, learning rate) of a step. {@code rank} names the
     * worker whose lane it is in asynchronous mode; {@link #ALL_WORKERS} in synchronous mode.
     */
    public record PlanStep(StepPlan plan, int rank, ActorRef<TrainingCoordinator.Command> coordinator)
            implements Command, ControlMessage {
    }

    /**
     * From the coordinator, before the plan of step {@code version}: write the weights and momentum of
     * version {@code version} under the checkpoint root {@code root}; answered with
     * {@link TrainingCoordinator.CheckpointWritten} or {@link TrainingCoordinator.CheckpointFailed}.
     */
    public record WriteCheckpoint(long version, String root, ActorRef<TrainingCoordinator.Command> coordinator)
            implements Command, ControlMessage {
    }

    /**
     * From the coordinator after a shard was lost: own {@code spec}'s tensors (a shard started anew
     * takes them here) and roll back to version {@code version} of the checkpoint under {@code root},
     * dropping whatever step was under way. {@code recovery} numbers the coordinator's recoveries, so a
     * repeated order is answered but not applied twice. Answered with
     * {@link TrainingCoordinator.ShardRestored}, or {@link TrainingCoordinator.CheckpointFailed}.
     */
    public record RestoreCheckpoint(ShardSpec spec, long version, String root, long recovery,
            ActorRef<TrainingCoordinator.Command> coordinator) implements Command, ControlMessage {
    }

    /**
     * Published on this node's event stream each time a lane applies a step: when the step's first
     * gradient chunk reached the shard, when its last one was summed and when the optimizer was done,
     * all in this JVM's {@link System#nanoTime()}, and the gradient bytes taken in. For metrics and the
     * round benchmark, which compares a node's intake with raw loopback (docs/performance.md);
     * nothing in larc-ps waits for it. {@code firstChunkNanos} is {@link #NO_CHUNK_YET} for a shard that
     * owns no tensor.
     */
    public record StepTimed(String jobId, int shard, int lane, long step, long gradientBytes, long firstChunkNanos,
            long gatheredNanos, long appliedNanos) {
    }

    /** A lane's first-chunk stamp before a chunk of its step arrived (nanoTime may be any long, even 0). */
    public static final long NO_CHUNK_YET = Long.MIN_VALUE;

    /** The lane of a synchronous job: every worker's pushes meet in one step. */
    public static final int ALL_WORKERS = -1;

    /** From this node's data plane: a frame for this shard, and where to answer. Never crosses nodes. */
    public record ReceiveFrame(TensorFrame frame, FrameSink replyTo) implements Command {
    }

    private record PendingPull(long version, int lane, FrameSink replyTo) {
    }

    /** Steps of one lane: its clock (the step it collects), that step's plan, pushes and early arrivals. */
    private static final class Lane {
        long clock;
        StepPlan plan;
        StepAggregator collecting;
        final ContributionArrays arrays = new ContributionArrays();
        final List<ReceiveFrame> early = new ArrayList<>();
        /** When the first chunk of the step at {@link #clock} arrived; {@link #NO_CHUNK_YET} before it did. */
        long firstChunkNanos = NO_CHUNK_YET;
    }

    private final String entityId;
    private final ShardDirectory<ActorRef<Command>> directory;
    private final InetSocketAddress endpoint;
    private final UpdateKernel kernel;
    private final TensorChunker chunker;

    private ShardSpec spec;
    private ActorRef<TrainingCoordinator.Command> coordinator;
    private ShardTensors tensors;
    private LayerwiseOptimizer optimizer;
    private WeightsCache weights;
    /** Collects rank 0's initial weights; null once seeded. */
    private StepAggregator seed;
    private boolean seeded;
    /** How many steps (all lanes) changed the weights: identifies their content for the cache. */
    private long applied;
    private final Map<Integer, Lane> lanes = new HashMap<>();
    /** The last recovery this shard rolled back for; 0 before any. */
    private long recovery;
    private final List<PendingPull> pendingPulls = new ArrayList<>();

    public static Behavior<Command> create(String entityId, ShardDirectory<ActorRef<Command>> directory,
            InetSocketAddress endpoint, UpdateKernel kernel, TensorChunker chunker) {
        return Behaviors.setup(context -> new ParameterShard(context, entityId, directory, endpoint, kernel, chunker));
    }

    private ParameterShard(ActorContext<Command> context, String entityId, ShardDirectory<ActorRef<Command>> directory,
            InetSocketAddress endpoint, UpdateKernel kernel, TensorChunker chunker) {
        super(context);
        this.entityId = entityId;
        this.directory = directory;
        this.endpoint = endpoint;
        this.kernel = kernel;
        this.chunker = chunker;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Configure.class, this::onConfigure)
                .onMessage(PlanStep.class, this::onPlanStep)
                .onMessage(WriteCheckpoint.class, this::onWriteCheckpoint)
                .onMessage(RestoreCheckpoint.class, this::onRestoreCheckpoint)
                .onMessage(ReceiveFrame.class, this::onReceiveFrame)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<Command> onConfigure(Configure command) {
        if (!command.spec().entityId().equals(entityId)) {
            getContext().getLog().error("shard {} was sent the configuration of {}; ignored", entityId,
                    command.spec().entityId());
            return this;
        }
        if (spec != null && !spec.equals(command.spec())) {
            getContext().getLog().error("shard {} is already configured differently; the new configuration is ignored",
                    entityId);
            return this;
        }
        if (spec == null) {
            configure(command.spec());
        }
        coordinator = command.coordinator();
        coordinator.tell(new TrainingCoordinator.ShardConfigured(spec.jobId(), spec.shard(),
                endpoint.getHostString(), endpoint.getPort()));
        return this;
    }

    private void configure(ShardSpec newSpec) {
        spec = newSpec;
        tensors = new ShardTensors(spec);
        optimizer = new LayerwiseOptimizer(spec.optimizer(), kernel);
        weights = new WeightsCache(spec.jobId(), chunker, PooledByteBufAllocator.DEFAULT);
        seed = new StepAggregator(0, List.of(0), tensors.sizes(), kernel, new ContributionArrays());
        directory.register(spec.jobId(), spec.shard(), spec.tensorIds(), getContext().getSelf());
        getContext().getLog().info("shard {} owns {} tensors ({} floats) on {}", entityId, spec.tensorIds().size(),
                tensors.sizes().values().stream().mapToLong(Integer::longValue).sum(), endpoint);
    }

    /** Why this shard cannot write version {@code version} now, if it cannot. */
    private String checkpointRefusal(long version) {
        if (spec == null || !seeded) {
            return "it is not " + (spec == null ? "configured" : "seeded");
        }
        if (spec.asynchronous()) {
            return "checkpoints are for synchronous jobs";
        }
        Lane lane = lane(ALL_WORKERS);
        if (lane.clock != version || lane.plan != null) {
            return "it holds version " + lane.clock + (lane.plan == null ? "" : " with a step planned");
        }
        return null;
    }

    private Behavior<Command> onWriteCheckpoint(WriteCheckpoint command) {
        String refusal = checkpointRefusal(command.version());
        if (refusal != null) {
            String why = "shard " + entityId + " cannot write version " + command.version() + ": " + refusal;
            getContext().getLog().error(why);
            command.coordinator().tell(new TrainingCoordinator.CheckpointFailed(
                    spec == null ? "" : spec.jobId(), spec == null ? -1 : spec.shard(), command.version(), why));
            return this;
        }
        try {
            List<String> files = ShardCheckpoint.write(Path.of(command.root()), spec.jobId(), command.version(),
                    tensors.states());
            command.coordinator().tell(new TrainingCoordinator.CheckpointWritten(spec.jobId(), spec.shard(),
                    command.version(), files));
        } catch (IOException | RuntimeException e) {
            getContext().getLog().error("shard {} could not write version {} under {}", entityId, command.version(),
                    command.root(), e);
            command.coordinator().tell(new TrainingCoordinator.CheckpointFailed(spec.jobId(), spec.shard(),
                    command.version(), "shard " + entityId + ": " + e));
        }
        return this;
    }

    private Behavior<Command> onRestoreCheckpoint(RestoreCheckpoint command) {
        if (spec != null && !spec.equals(command.spec())) {
            String why = "shard " + entityId + " is configured differently from the spec it was to restore";
            getContext().getLog().error(why);
            command.coordinator().tell(new TrainingCoordinator.CheckpointFailed(command.spec().jobId(),
                    command.spec().shard(), command.version(), why));
            return this;
        }
        if (spec == null) {
            configure(command.spec());
        }
        coordinator = command.coordinator();
        if (command.recovery() != recovery) {
            try {
                ShardCheckpoint.restore(Path.of(command.root()), spec.jobId(), command.version(), tensors.states());
            } catch (IOException | RuntimeException e) {
                getContext().getLog().error("shard {} could not restore version {}", entityId, command.version(), e);
                coordinator.tell(new TrainingCoordinator.CheckpointFailed(spec.jobId(), spec.shard(), command.version(),
                        "shard " + entityId + " could not restore it: " + e.getMessage()));
                return this;
            }
            rollBackTo(command.version());
            recovery = command.recovery();
            getContext().getLog().warn("shard {} rolled back to version {} of the checkpoint", entityId, command.version());
        }
        coordinator.tell(new TrainingCoordinator.ShardRestored(spec.jobId(), spec.shard(), command.version(),
                command.recovery(), endpoint.getHostString(), endpoint.getPort()));
        return this;
    }

    /** Forgets every step under way and every waiting pull; the restored weights are version {@code version}. */
    private void rollBackTo(long version) {
        releaseEarlyFrames();
        seed = null;
        seeded = true;
        lanes.clear();
        lane(ALL_WORKERS).clock = version;
        // The workers close their connections when they are rewound; their waiting pulls go with them.
        pendingPulls.clear();
        applied++;
    }

    private Lane lane(int key) {
        return lanes.computeIfAbsent(key, k -> new Lane());
    }

    /** The lane a worker's frames belong to. */
    private int laneOf(int rank) {
        return spec.asynchronous() ? rank : ALL_WORKERS;
    }

    private Behavior<Command> onPlanStep(PlanStep command) {
        StepPlan next = command.plan();
        if (spec == null) {
            // A plan for a shard that was never configured here: the entity was started anew, on this
            // node, after the one holding the job's tensors was lost. Its state is gone; say so.
            getContext().getLog().error("shard {} got the plan of step {} but holds no tensors: its state was lost",
                    entityId, next.getStep());
            command.coordinator().tell(new TrainingCoordinator.ShardLost(next.getJobId(), entityId,
                    endpoint.getHostString() + ":" + endpoint.getPort()));
            return this;
        }
        Lane lane = spec == null ? null : lane(spec.asynchronous() ? command.rank() : ALL_WORKERS);
        if (lane == null || !seeded || next.getStep() != lane.clock || lane.plan != null
                || spec.asynchronous() == (command.rank() == ALL_WORKERS)) {
            // The coordinator repeats the current plan while it checks for lost shards: expected, not a warning.
            boolean repeat = lane != null && (next.getStep() == lane.clock - 1
                    || (lane.plan != null && lane.plan.getStep() == next.getStep()));
            if (!repeat) {
                getContext().getLog().warn("shard {} ignores the plan of step {} for lane {}", entityId, next.getStep(),
                        command.rank());
            }
            return this;
        }
        lane.plan = next;
        List<Integer> participants = spec.asynchronous() ? List.of(command.rank()) : next.getParticipantRanksList();
        lane.collecting = new StepAggregator(lane.clock, participants, tensors.sizes(), kernel, lane.arrays);
        List<ReceiveFrame> held = new ArrayList<>(lane.early);
        lane.early.clear();
        held.forEach(frame -> offer(lane.collecting, frame));
        completeStepIfReady(command.rank(), lane);
        return this;
    }

    private Behavior<Command> onReceiveFrame(ReceiveFrame command) {
        FrameHeader header = command.frame().header();
        if (spec == null) {
            refuse(command, ErrorCode.UNKNOWN_JOB, "shard " + entityId + " is not configured yet");
            return this;
        }
        switch (header.getKind()) {
            case INITIAL_WEIGHTS -> onSeedChunk(command);
            case GRADIENT_PUSH -> onGradientChunk(command);
            case PULL_WEIGHTS -> {
                command.frame().release();
                onPull(header.getStep(), laneOf(header.getSenderRank()), command.replyTo(), header);
            }
            default -> refuse(command, ErrorCode.MALFORMED_FRAME, "a shard does not accept " + header.getKind() + " frames");
        }
        return this;
    }

    private void onSeedChunk(ReceiveFrame command) {
        if (seeded) {
            refuse(command, ErrorCode.STALE_STEP, "shard " + entityId + " is already seeded");
            return;
        }
        offer(seed, command);
        if (seed.isComplete()) {
            tensors.seed(seed);
            seed = null;
            seeded = true;
            getContext().getLog().info("shard {} seeded with initial weights", entityId);
            answerPendingPulls();
            coordinator.tell(new TrainingCoordinator.ShardSeeded(spec.jobId(), spec.shard()));
        }
    }

    private void onGradientChunk(ReceiveFrame command) {
        long step = command.frame().header().getStep();
        int key = laneOf(command.frame().header().getSenderRank());
        Lane lane = lane(key);
        if (!seeded) {
            refuse(command, ErrorCode.FUTURE_STEP, "shard " + entityId + " has no initial weights yet");
        } else if (step < lane.clock) {
            refuse(command, ErrorCode.STALE_STEP, "step " + step + " is over; shard " + entityId + " collects step "
                    + lane.clock + (key == ALL_WORKERS ? "" : " of rank " + key));
        } else if (step > lane.clock) {
            refuse(command, ErrorCode.FUTURE_STEP, "step " + step + " is ahead of shard " + entityId
                    + ", which collects step " + lane.clock + (key == ALL_WORKERS ? "" : " of rank " + key));
        } else if (lane.plan == null) {
            stampFirstChunk(lane);
            lane.early.add(command);
        } else {
            stampFirstChunk(lane);
            offer(lane.collecting, command);
            completeStepIfReady(key, lane);
        }
    }

    /** A chunk of the lane's current step got past the step checks: the first one starts its intake. */
    private static void stampFirstChunk(Lane lane) {
        if (lane.firstChunkNanos == NO_CHUNK_YET) {
            lane.firstChunkNanos = System.nanoTime();
        }
    }

    private static void offer(StepAggregator aggregator, ReceiveFrame command) {
        TensorFrame frame = command.frame();
        StepAggregator.Outcome outcome = aggregator.offer(frame.header(), frame.body());
        if (outcome instanceof StepAggregator.Outcome.Rejected rejected) {
            command.replyTo().sendError(frame.header(), rejected.code(), rejected.message());
        }
    }

    private void completeStepIfReady(int key, Lane lane) {
        if (lane.plan == null || !lane.collecting.isComplete()) {
            return;
        }
        long gathered = System.nanoTime();
        List<Double> factors = tensors.apply(lane.collecting, optimizer, lane.plan.getLearningRate());
        long step = lane.plan.getStep();
        StepTimed timed = new StepTimed(spec.jobId(), spec.shard(), key, step, lane.collecting.admittedBytes(),
                lane.firstChunkNanos, gathered, System.nanoTime());
        int poisoned = lane.collecting.poisonedContributions();
        lane.collecting = null;
        lane.plan = null;
        lane.clock = step + 1;
        lane.firstChunkNanos = NO_CHUNK_YET;
        applied++;
        // Told before the pulls are answered, so the coordinator plans the next step while the
        // weights are encoded and sent.
        coordinator.tell(new TrainingCoordinator.StepApplied(spec.jobId(), spec.shard(), key, step, poisoned,
                spec.tensorIds(), factors));
        getContext().getSystem().eventStream().tell(new EventStream.Publish<>(timed));
        answerPendingPulls();
    }

    private void onPull(long wanted, int key, FrameSink replyTo, FrameHeader header) {
        long clock = seeded ? lane(key).clock : -1;
        if (seeded && wanted < clock) {
            replyTo.sendError(header, ErrorCode.STALE_STEP, "version " + wanted + " is gone; shard " + entityId
                    + " holds version " + clock + (key == ALL_WORKERS ? "" : " for rank " + key));
        } else if (wanted == clock) {
            weights.send(applied, wanted, tensors.states(), replyTo);
        } else {
            pendingPulls.add(new PendingPull(wanted, key, replyTo));
        }
    }

    private void answerPendingPulls() {
        List<PendingPull> waiting = new ArrayList<>(pendingPulls);
        pendingPulls.clear();
        for (PendingPull pull : waiting) {
            onPull(pull.version(), pull.lane(), pull.replyTo(), FrameHeader.newBuilder().setJobId(spec.jobId())
                    .setStep(pull.version()).setShard(spec.shard()).build());
        }
    }

    private void refuse(ReceiveFrame command, ErrorCode code, String message) {
        command.replyTo().sendError(command.frame().header(), code, message);
        command.frame().release();
    }

    private Behavior<Command> onPostStop() {
        if (spec != null) {
            directory.unregister(spec.jobId(), spec.shard(), getContext().getSelf());
            weights.close();
        }
        releaseEarlyFrames();
        return this;
    }

    /** Releases the frames held for steps whose plan has not arrived; a step being collected holds none. */
    private void releaseEarlyFrames() {
        lanes.values().forEach(lane -> lane.early.forEach(held -> held.frame().release()));
    }
}
