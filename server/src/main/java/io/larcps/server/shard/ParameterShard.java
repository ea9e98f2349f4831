package io.larcps.server.shard;

import io.larcps.proto.control.StepPlan;
import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.frame.TensorChunker;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.proto.serialization.ControlMessage;
import io.larcps.server.coordinator.TrainingCoordinator;
import io.larcps.server.optim.LayerwiseOptimizer;
import io.larcps.server.optim.UpdateKernel;
import io.larcps.server.transport.FrameSink;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
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
 * <p>Lifecycle: configured by the coordinator, seeded with rank 0's initial weights (version 0),
 * then one version per step. Pushes for the step being collected may arrive before the coordinator's
 * plan for it; they are held until it does.
 */
public final class ParameterShard extends AbstractBehavior<ParameterShard.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "larcps-shard");

    public sealed interface Command {
    }

    /** From the coordinator: own these tensors; answered with {@link TrainingCoordinator.ShardConfigured}. */
    public record Configure(ShardSpec spec, ActorRef<TrainingCoordinator.Command> coordinator)
            implements Command, ControlMessage {
    }

    /** From the coordinator: the plan (participants, learning rate) of the step being collected. */
    public record PlanStep(StepPlan plan) implements Command, ControlMessage {
    }

    /** From this node's data plane: a frame for this shard, and where to answer. Never crosses nodes. */
    public record ReceiveFrame(TensorFrame frame, FrameSink replyTo) implements Command {
    }

    private record PendingPull(long version, FrameSink replyTo) {
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
    /** Weights version held: -1 until seeded, then the number of steps applied. */
    private long version = -1;
    private StepAggregator collecting;
    private StepPlan plan;
    private final List<ReceiveFrame> early = new ArrayList<>();
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
            spec = command.spec();
            tensors = new ShardTensors(spec);
            optimizer = new LayerwiseOptimizer(spec.optimizer(), kernel);
            weights = new WeightsCache(spec.jobId(), chunker, PooledByteBufAllocator.DEFAULT);
            collecting = new StepAggregator(0, List.of(0), tensors.sizes(), kernel);
            directory.register(spec.jobId(), spec.shard(), spec.tensorIds(), getContext().getSelf());
            getContext().getLog().info("shard {} owns {} tensors ({} floats) on {}", entityId, spec.tensorIds().size(),
                    tensors.sizes().values().stream().mapToLong(Integer::longValue).sum(), endpoint);
        }
        coordinator = command.coordinator();
        coordinator.tell(new TrainingCoordinator.ShardConfigured(spec.jobId(), spec.shard(),
                endpoint.getHostString(), endpoint.getPort()));
        return this;
    }

    private Behavior<Command> onPlanStep(PlanStep command) {
        StepPlan next = command.plan();
        if (spec == null || version < 0 || next.getStep() != version || plan != null) {
            getContext().getLog().warn("shard {} at version {} ignores the plan of step {}", entityId, version,
                    next.getStep());
            return this;
        }
        plan = next;
        collecting = new StepAggregator(version, next.getParticipantRanksList(), tensors.sizes(), kernel);
        List<ReceiveFrame> held = new ArrayList<>(early);
        early.clear();
        held.forEach(this::offerGradient);
        completeStepIfReady();
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
                onPull(header.getStep(), command.replyTo(), header);
            }
            default -> refuse(command, ErrorCode.MALFORMED_FRAME, "a shard does not accept " + header.getKind() + " frames");
        }
        return this;
    }

    private void onSeedChunk(ReceiveFrame command) {
        if (version >= 0) {
            refuse(command, ErrorCode.STALE_STEP, "shard " + entityId + " is already seeded");
            return;
        }
        offerGradient(command);
        if (collecting.isComplete()) {
            tensors.seed(collecting);
            collecting.close();
            collecting = null;
            version = 0;
            getContext().getLog().info("shard {} seeded with initial weights", entityId);
            answerPendingPulls();
            coordinator.tell(new TrainingCoordinator.ShardSeeded(spec.jobId(), spec.shard()));
        }
    }

    private void onGradientChunk(ReceiveFrame command) {
        long step = command.frame().header().getStep();
        if (version < 0) {
            refuse(command, ErrorCode.FUTURE_STEP, "shard " + entityId + " has no initial weights yet");
        } else if (step < version) {
            refuse(command, ErrorCode.STALE_STEP, "step " + step + " is over; shard " + entityId + " is at version " + version);
        } else if (step > version) {
            refuse(command, ErrorCode.FUTURE_STEP, "step " + step + " is ahead of shard " + entityId
                    + ", which is collecting step " + version);
        } else if (plan == null) {
            early.add(command);
        } else {
            offerGradient(command);
            completeStepIfReady();
        }
    }

    private void offerGradient(ReceiveFrame command) {
        TensorFrame frame = command.frame();
        StepAggregator.Outcome outcome = collecting.offer(frame.header(), frame.body());
        if (outcome instanceof StepAggregator.Outcome.Rejected rejected) {
            command.replyTo().sendError(frame.header(), rejected.code(), rejected.message());
        }
    }

    private void completeStepIfReady() {
        if (plan == null || !collecting.isComplete()) {
            return;
        }
        List<Double> factors = tensors.apply(collecting, optimizer, plan.getLearningRate());
        int poisoned = collecting.poisonedContributions();
        collecting.close();
        collecting = null;
        long applied = plan.getStep();
        plan = null;
        version = applied + 1;
        answerPendingPulls();
        coordinator.tell(new TrainingCoordinator.StepApplied(spec.jobId(), spec.shard(), applied, poisoned,
                spec.tensorIds(), factors));
    }

    private void onPull(long wanted, FrameSink replyTo, FrameHeader header) {
        if (version >= 0 && wanted < version) {
            replyTo.sendError(header, ErrorCode.STALE_STEP, "version " + wanted + " is gone; shard " + entityId
                    + " holds version " + version);
        } else if (wanted == version) {
            weights.send(version, tensors.states(), replyTo);
        } else {
            pendingPulls.add(new PendingPull(wanted, replyTo));
        }
    }

    private void answerPendingPulls() {
        List<PendingPull> waiting = new ArrayList<>(pendingPulls);
        pendingPulls.clear();
        for (PendingPull pull : waiting) {
            if (pull.version() <= version) {
                onPull(pull.version(), pull.replyTo(), FrameHeader.newBuilder().setJobId(spec.jobId())
                        .setStep(pull.version()).setShard(spec.shard()).build());
            } else {
                pendingPulls.add(pull);
            }
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
        if (collecting != null) {
            collecting.close();
        }
        early.forEach(held -> held.frame().release());
        return this;
    }
}
