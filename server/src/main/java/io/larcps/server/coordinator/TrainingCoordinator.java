package io.larcps.server.coordinator;

import io.larcps.proto.control.RegistrationRejected;
import io.larcps.proto.control.ShardAssignment;
import io.larcps.proto.control.ShardEndpoint;
import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.TensorSpec;
import io.larcps.proto.control.WorkerRegistered;
import io.larcps.proto.protocol.CoordinatorProtocol;
import io.larcps.proto.protocol.CoordinatorProtocol.RegisterWorker;
import io.larcps.proto.serialization.ControlMessage;
import io.larcps.server.checkpoint.CheckpointLedger;
import io.larcps.server.checkpoint.CheckpointSettings;
import io.larcps.server.checkpoint.JobCheckpoints;
import io.larcps.server.checkpoint.ShardCheckpoint;
import io.larcps.server.optim.LearningRateSchedule;
import io.larcps.server.shard.ParameterShard;
import io.larcps.server.shard.ShardSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Runs one training job: admits workers, places tensors on shards, and clocks the synchronous steps.
 * A cluster singleton on role {@code coordinator}; workers find it through the receptionist.
 *
 * <p>Phases: registering (until every expected worker has registered with the same layout),
 * configuring (shards acknowledge their tensors and report their data-plane endpoints), seeding (rank 0
 * pushes its initial weights), training (one plan per step, sent to the shards once every shard has
 * applied the last, and to the workers a step earlier), finished.
 */
public final class TrainingCoordinator extends AbstractBehavior<CoordinatorProtocol.Request> {

    /** Messages from the shards, and for local observers. */
    public sealed interface Command extends CoordinatorProtocol.Request {
    }

    /** A shard took its tensors; it serves them at {@code host:port}. */
    public record ShardConfigured(String jobId, int shard, String host, int port) implements Command, ControlMessage {
    }

    /** A shard holds version 0, rank 0's initial weights. */
    public record ShardSeeded(String jobId, int shard) implements Command, ControlMessage {
    }

    /**
     * A shard applied a step of a lane ({@link ParameterShard#ALL_WORKERS}, or a worker's rank in
     * asynchronous mode). {@code trustFactors[i]} is the factor the trust rule put on tensor
     * {@code tensorIds[i]}'s learning rate (NaN when it did not apply).
     */
    public record StepApplied(String jobId, int shard, int lane, long step, int poisonedContributions,
            List<Integer> tensorIds, List<Double> trustFactors) implements Command, ControlMessage {
    }

    /**
     * A shard entity started anew without its tensors (its node was lost): the job rolls back to its
     * last checkpoint, or stops when it has none.
     */
    public record ShardLost(String jobId, String entityId, String endpoint) implements Command, ControlMessage {
    }

    /** A shard wrote its part of the checkpoint of version {@code version}: {@code files}, relative to its directory. */
    public record CheckpointWritten(String jobId, int shard, long version, List<String> files)
            implements Command, ControlMessage {
    }

    /** A shard could not write, or restore, the checkpoint of version {@code version}. */
    public record CheckpointFailed(String jobId, int shard, long version, String reason) implements Command, ControlMessage {
    }

    /** A shard rolled back to version {@code version} for recovery {@code recovery}, and serves at {@code host:port}. */
    public record ShardRestored(String jobId, int shard, long version, long recovery, String host, int port)
            implements Command, ControlMessage {
    }

    private record ResendRestore() implements Command {
    }

    /** While a step is open after a node left: the plan again, until a lost shard has answered (see onMemberLeft). */
    private record ProbeShards() implements Command {
    }

    private record CountRegions() implements Command {
    }

    private record RegionsCounted(int regions) implements Command {
    }

    private record ResendConfiguration() implements Command {
    }

    /** A member left the cluster; if it hosted shards, the current step may never complete. */
    private record MemberLeft(String address) implements Command {
    }

    /** What a local observer (the launcher, a test) hears about the job. */
    public sealed interface Event {
    }

    /** Step {@code step} is applied on every shard; {@code trustFactors} by tensor id. */
    public record StepCompleted(long step, double learningRate, int poisonedContributions, List<Double> trustFactors)
            implements Event {
    }

    /** Every step ran and every worker holds the final weights. */
    public record JobCompleted(long steps) implements Event {
    }

    /** The job stopped before its end; {@code reason} says why. */
    public record JobAborted(String reason) implements Event {
    }

    /** A shard was lost; the job goes on from version {@code version}, so the steps after it run again. */
    public record JobRewound(long version, String reason) implements Event {
    }

    /** The job starts from its checkpoint of version {@code version} ({@code larcps.checkpoint.resume}). */
    public record JobResumed(long version, String directory) implements Event {
    }

    private enum Phase { REGISTERING, CONFIGURING, SEEDING, TRAINING, RECOVERING, FINISHED, FAILED }

    private static final Duration CONFIGURE_RETRY = Duration.ofSeconds(2);
    /** Restore orders sent before a recovery that has not completed fails the job (a minute at CONFIGURE_RETRY). */
    private static final int RESTORE_ATTEMPTS = 30;
    private static final Duration REGION_POLL = Duration.ofMillis(500);

    private final JobSpec job;
    private final ActorRef<Event> listener;
    private final TimerScheduler<CoordinatorProtocol.Request> timers;
    private final LearningRateSchedule schedule;
    private final WorkerRoster roster;
    private List<ShardSpec> shardSpecs;
    private int[] shardOfTensor;
    private final Map<Integer, ShardEndpoint> endpoints = new TreeMap<>();
    private final Set<Integer> seeded = new HashSet<>();
    private final Map<Integer, StepApplied> applied = new TreeMap<>();
    private final Set<Integer> done = new HashSet<>();
    /** Asynchronous mode: each rank's in-flight step, per shard, until every shard applied it. */
    private final Map<Integer, Map<Integer, StepApplied>> appliedByRank = new TreeMap<>();
    private AsynchronousClocks asynchronous;
    private boolean completionAnnounced;
    private Phase phase = Phase.REGISTERING;
    /** The job's shard count, or fewer when the model has fewer tensors than that (a shard owns whole tensors). */
    private int shardCount;
    private StepPlan currentPlan;
    private final CheckpointSettings checkpoints;
    /** ps nodes to wait for before placing shards (larcps.coordinator.ps-nodes). */
    private final int psNodes;
    /** The job's checkpoints; made when the shards are placed. */
    private CheckpointLedger ledger;
    /** Recoveries so far; the current one's number while recovering. */
    private long recoveries;
    private final Set<Integer> restored = new HashSet<>();
    private int restoreAttempts;
    /** The step that was open when a node left; probed until it completes. */
    private long probedStep = -1;
    /** Bumped whenever a shard's endpoint changes, so a worker can tell the assignments apart. */
    private int assignmentVersion = 1;
    /**
     * The job's last complete checkpoint in the checkpoint directory when the coordinator started: the
     * version a resumed job starts from; for a new job, an earlier run's, which it must not overwrite.
     */
    private final OptionalLong lastCheckpoint;
    /** Why the checkpoint directory could not be read at the start, when it could not. */
    private final Optional<String> checkpointsUnreadable;
    /** True until the shards have restored the checkpoint the job resumes from. */
    private boolean resuming;

    /**
     * @param listener told about each completed step and the end of the job; may be a no-op ref
     */
    public static Behavior<CoordinatorProtocol.Request> create(JobSpec job, ActorRef<Event> listener) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            context.getSystem().receptionist().tell(Receptionist.register(CoordinatorProtocol.SERVICE_KEY, context.getSelf()));
            ActorRef<ClusterEvent.MemberRemoved> removals = context.messageAdapter(ClusterEvent.MemberRemoved.class,
                    removed -> new MemberLeft(removed.member().address().toString()));
            Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(removals, ClusterEvent.MemberRemoved.class));
            context.getLog().info("coordinating job {}: {} workers, {} shards, global batch {}, {} steps", job.jobId(),
                    job.workers(), job.shards(), job.globalBatch(), job.totalSteps());
            CheckpointSettings checkpoints = CheckpointSettings.fromConfig(context.getSystem().settings().config());
            if (checkpoints.enabled() && job.asynchronous()) {
                context.getLog().warn("job {} is asynchronous: it is not checkpointed, and a lost shard stops it",
                        job.jobId());
            }
            OptionalLong lastCheckpoint = OptionalLong.empty();
            Optional<String> unreadable = Optional.empty();
            if (checkpoints.enabled()) {
                // Read once, at the start: the only file access of this actor besides the manifests.
                try {
                    lastCheckpoint = JobCheckpoints.lastComplete(checkpoints.directory().orElseThrow(), job.jobId());
                } catch (IOException e) {
                    unreadable = Optional.of(e.toString());
                }
            }
            return new TrainingCoordinator(context, timers, job, listener, checkpoints, lastCheckpoint, unreadable);
        }));
    }

    private TrainingCoordinator(ActorContext<CoordinatorProtocol.Request> context,
            TimerScheduler<CoordinatorProtocol.Request> timers, JobSpec job, ActorRef<Event> listener,
            CheckpointSettings checkpoints, OptionalLong lastCheckpoint, Optional<String> checkpointsUnreadable) {
        super(context);
        this.checkpoints = checkpoints;
        this.lastCheckpoint = lastCheckpoint;
        this.checkpointsUnreadable = checkpointsUnreadable;
        this.psNodes = context.getSystem().settings().config().getInt("larcps.coordinator.ps-nodes");
        this.timers = timers;
        this.job = job;
        this.listener = listener;
        this.schedule = job.learningRates();
        this.roster = new WorkerRoster(job);
    }

    @Override
    public Receive<CoordinatorProtocol.Request> createReceive() {
        return newReceiveBuilder()
                .onMessage(RegisterWorker.class, this::onRegisterWorker)
                .onMessage(ShardConfigured.class, this::onShardConfigured)
                .onMessage(ResendConfiguration.class, command -> onResendConfiguration())
                .onMessage(ShardSeeded.class, this::onShardSeeded)
                .onMessage(StepApplied.class, this::onStepApplied)
                .onMessage(CoordinatorProtocol.WorkerDone.class, this::onWorkerDone)
                .onMessage(MemberLeft.class, this::onMemberLeft)
                .onMessage(ShardLost.class, this::onShardLost)
                .onMessage(CheckpointWritten.class, this::onCheckpointWritten)
                .onMessage(CheckpointFailed.class, this::onCheckpointFailed)
                .onMessage(ShardRestored.class, this::onShardRestored)
                .onMessage(ResendRestore.class, command -> onResendRestore())
                .onMessage(ProbeShards.class, command -> onProbeShards())
                .onMessage(CountRegions.class, command -> onCountRegions())
                .onMessage(RegionsCounted.class, this::onRegionsCounted)
                .build();
    }

    private Behavior<CoordinatorProtocol.Request> onRegisterWorker(RegisterWorker command) {
        var registration = command.registration();
        Optional<String> refusal = roster.refusal(registration, phase == Phase.REGISTERING);
        if (refusal.isPresent()) {
            getContext().getLog().warn("refused worker {} of job {}: {}", registration.getWorkerId(),
                    registration.getJobId(), refusal.get());
            command.replyTo().tell(new CoordinatorProtocol.Rejected(RegistrationRejected.newBuilder()
                    .setJobId(registration.getJobId()).setReason(refusal.get()).build()));
            return this;
        }
        boolean known = roster.rankOf(registration.getWorkerId()) >= 0;
        int rank = roster.admit(registration, command.replyTo());
        if (known) {
            rejoined(rank);
            return this;
        }
        getContext().getLog().info("worker {} on {} (device {}) registered as rank {} of {}", registration.getWorkerId(),
                registration.getHost(), registration.getDeviceIndex(), rank, job.workers());
        if (roster.full()) {
            return onCountRegions();
        }
        return this;
    }

    /** A known worker registered again: tell it what it missed (its rank, and the step it should run). */
    private void rejoined(int rank) {
        // While a resumed job's shards restore, no worker may pull yet; it hears its rank once they have.
        if (phase == Phase.REGISTERING || phase == Phase.CONFIGURING || resuming) {
            return;
        }
        tellRegistered(rank);
        if (phase != Phase.TRAINING) {
            return;
        }
        if (!job.asynchronous()) {
            roster.replyTo(rank).tell(new CoordinatorProtocol.StepPlanned(currentPlan));
            nextPlan().ifPresent(next -> roster.replyTo(rank).tell(new CoordinatorProtocol.StepPlanned(next)));
        } else if (asynchronous.inFlight(rank, asynchronous.next(rank))) {
            roster.replyTo(rank).tell(new CoordinatorProtocol.StepPlanned(plan(asynchronous.next(rank))));
        }
    }

    /**
     * Every worker is in: ask Sharding how many ps nodes host a shard region, so the shards are placed
     * only once the {@code larcps.coordinator.ps-nodes} expected ones are there and spread over them.
     * (Pekko's {@code role.ps.min-nr-of-members} would do the same, but Sharding also applies it to
     * every later allocation, so a shard lost with its node could never start again elsewhere.)
     */
    private Behavior<CoordinatorProtocol.Request> onCountRegions() {
        if (phase != Phase.REGISTERING) {
            return this;
        }
        ActorRef<ShardRegion.CurrentRegions> reply = getContext().messageAdapter(ShardRegion.CurrentRegions.class,
                regions -> new RegionsCounted(regions.getRegions().size()));
        org.apache.pekko.cluster.sharding.ClusterSharding.get(Adapter.toClassic(getContext().getSystem()))
                .shardRegion(ParameterShard.TYPE_KEY.name())
                .tell(ShardRegion.getCurrentRegionsInstance(), Adapter.toClassic(reply));
        // Asked again until enough regions answer (an answer can also be lost while Sharding starts).
        timers.startSingleTimer(new CountRegions(), REGION_POLL);
        return this;
    }

    private Behavior<CoordinatorProtocol.Request> onRegionsCounted(RegionsCounted message) {
        if (phase != Phase.REGISTERING) {
            return this;
        }
        if (message.regions() < psNodes) {
            getContext().getLog().debug("job {}: {} of {} ps nodes are up; the shards are placed when all are",
                    job.jobId(), message.regions(), psNodes);
            return this;
        }
        timers.cancel(new CountRegions());
        configureShards();
        return this;
    }

    private void configureShards() {
        phase = Phase.CONFIGURING;
        List<TensorSpec> tensors = roster.layout().getTensorsList();
        shardCount = Math.min(job.shards(), tensors.size());
        if (shardCount < job.shards()) {
            getContext().getLog().warn("job {} asks for {} shards but the model has {} tensors: using {} shards",
                    job.jobId(), job.shards(), tensors.size(), shardCount);
        }
        shardOfTensor = ShardPlacement.assign(tensors, shardCount);
        ledger = new CheckpointLedger(shardCount);
        if (checkpoints.resume()) {
            lastCheckpoint.ifPresent(ledger::resumeFrom);
        }
        getContext().getLog().info("placed {} tensors on {} shards, bytes per shard {}", tensors.size(), shardCount,
                Arrays.toString(ShardPlacement.load(tensors, shardOfTensor, shardCount)));
        shardSpecs = new ArrayList<>();
        for (int shard = 0; shard < shardCount; shard++) {
            List<Integer> ids = new ArrayList<>();
            List<TensorSpec> specs = new ArrayList<>();
            for (int tensor = 0; tensor < tensors.size(); tensor++) {
                if (shardOfTensor[tensor] == shard) {
                    ids.add(tensor);
                    specs.add(tensors.get(tensor));
                }
            }
            shardSpecs.add(new ShardSpec(job.jobId(), shard, ids, specs, job.optimizer(), job.asynchronous()));
        }
        onResendConfiguration();
    }

    private Behavior<CoordinatorProtocol.Request> onResendConfiguration() {
        if (phase != Phase.CONFIGURING) {
            return this;
        }
        ActorRef<Command> self = getContext().getSelf().narrow();
        tellShards(spec -> !endpoints.containsKey(spec.shard()), spec -> new ParameterShard.Configure(spec, self));
        timers.startSingleTimer(new ResendConfiguration(), CONFIGURE_RETRY);
        return this;
    }

    private Behavior<CoordinatorProtocol.Request> onShardConfigured(ShardConfigured command) {
        if (!command.jobId().equals(job.jobId())) {
            return this;
        }
        endpoints.put(command.shard(), ShardEndpoint.newBuilder().setShard(command.shard()).setHost(command.host())
                .setPort(command.port()).build());
        if (phase == Phase.CONFIGURING && endpoints.size() == shardCount) {
            timers.cancelAll();
            if (checkpoints.resume()) {
                return resume();
            }
            if (lastCheckpoint.isPresent()) {
                return fail(checkpoints.directory().orElseThrow() + " already holds checkpoints of job " + job.jobId()
                        + " (the last complete one is version " + lastCheckpoint.getAsLong() + ") from an earlier run; "
                        + "resume it (larcps.checkpoint.resume), or give this run another job id or directory, rather "
                        + "than overwrite them");
            }
            phase = Phase.SEEDING;
            getContext().getLog().info("all {} shards are ready: {}", shardCount, endpoints.values().stream()
                    .map(e -> e.getShard() + "@" + e.getHost() + ":" + e.getPort()).toList());
            for (int rank = 0; rank < roster.size(); rank++) {
                tellRegistered(rank);
            }
        }
        return this;
    }

    /**
     * Every shard is configured and the job resumes: restore the checkpoint on every shard, as a
     * recovery does, and tell the workers their ranks once all are back at its version.
     */
    private Behavior<CoordinatorProtocol.Request> resume() {
        String directory = checkpoints.directory().orElseThrow().toString();
        if (job.asynchronous()) {
            return fail("an asynchronous job has no checkpoints to resume from");
        }
        if (checkpointsUnreadable.isPresent()) {
            return fail("cannot read the checkpoints in " + directory + " to resume from: " + checkpointsUnreadable.get());
        }
        if (lastCheckpoint.isPresent() && lastCheckpoint.getAsLong() >= job.totalSteps()) {
            return fail("the checkpoint of version " + lastCheckpoint.getAsLong() + " in " + directory + " is at or past "
                    + "the job's " + job.totalSteps() + " steps: nothing is left to run");
        }
        if (lastCheckpoint.isEmpty()) {
            return fail("there is no complete checkpoint of job " + job.jobId() + " in " + directory
                    + " to resume from (a version is complete once its MANIFEST is written)");
        }
        resuming = true;
        phase = Phase.RECOVERING;
        recoveries++;
        restored.clear();
        restoreAttempts = 0;
        getContext().getLog().info("job {}: every shard restores version {} from {}", job.jobId(),
                lastCheckpoint.getAsLong(), directory);
        listener.tell(new JobResumed(lastCheckpoint.getAsLong(), directory));
        return onResendRestore();
    }

    private ShardAssignment assignment() {
        return ShardAssignment.newBuilder()
                .setJobId(job.jobId())
                .setShardCount(shardCount)
                .addAllShardOfTensor(Arrays.stream(shardOfTensor).boxed().toList())
                .addAllEndpoints(endpoints.values())
                .setVersion(assignmentVersion)
                .build();
    }

    private void tellRegistered(int rank) {
        WorkerRegistered.Builder registered = WorkerRegistered.newBuilder()
                .setJobId(job.jobId()).setRank(rank).setWorldSize(roster.size());
        // A worker that registers again once training is under way starts where the job is now.
        if (checkpoints.resume()) {
            registered.setResumed(true).setStartVersion(phase == Phase.TRAINING && currentPlan != null
                    ? currentPlan.getStep() : lastCheckpoint.orElseThrow());
        }
        roster.replyTo(rank).tell(new CoordinatorProtocol.Registered(registered.build(), assignment()));
    }

    private Behavior<CoordinatorProtocol.Request> onShardSeeded(ShardSeeded command) {
        if (!command.jobId().equals(job.jobId()) || phase != Phase.SEEDING) {
            return this;
        }
        seeded.add(command.shard());
        if (seeded.size() == shardCount) {
            phase = Phase.TRAINING;
            getContext().getLog().info("job {} seeded; training starts", job.jobId());
            if (job.asynchronous()) {
                asynchronous = new AsynchronousClocks(job.workers(), job.staleness(), job.totalSteps());
                asynchronous.startable().forEach(this::planWorker);
            } else {
                startStep(0, false);
            }
        }
        return this;
    }

    /** The plan of step {@code step}: every rank takes its part of the same global batch slice. */
    private StepPlan plan(long step) {
        long stepsPerEpoch = job.stepsPerEpoch();
        return StepPlan.newBuilder()
                .setJobId(job.jobId())
                .setStep(step)
                .setEpoch(step / stepsPerEpoch)
                .addAllParticipantRanks(java.util.stream.IntStream.range(0, roster.size()).boxed().toList())
                .setGlobalBatch(job.globalBatch())
                .setSampleOffset((step % stepsPerEpoch) * job.globalBatch())
                .setLearningRate(schedule.at(step))
                .build();
    }

    private void tellShards(StepPlan plan, int lane) {
        ActorRef<Command> self = getContext().getSelf().narrow();
        tellShards(spec -> new ParameterShard.PlanStep(plan, lane, self));
    }

    private void tellShards(Function<ShardSpec, ParameterShard.Command> message) {
        tellShards(spec -> true, message);
    }

    /** Sends each shard that {@code which} selects its {@code message}, through Cluster Sharding. */
    private void tellShards(Predicate<ShardSpec> which, Function<ShardSpec, ParameterShard.Command> message) {
        ClusterSharding sharding = ClusterSharding.get(getContext().getSystem());
        for (ShardSpec spec : shardSpecs) {
            if (which.test(spec)) {
                sharding.entityRefFor(ParameterShard.TYPE_KEY, spec.entityId()).tell(message.apply(spec));
            }
        }
    }

    /**
     * A node left while training: send every shard its current plan again. Shards that hold it ignore
     * the copy; a shard whose node was lost is started anew by Cluster Sharding, finds itself without
     * tensors and reports {@link ShardLost}, instead of the step waiting for it forever.
     */
    private Behavior<CoordinatorProtocol.Request> onMemberLeft(MemberLeft message) {
        if (phase == Phase.RECOVERING) {
            // A shard that has restored may have been on that node: order every shard again. One that
            // still holds the version answers at once (the same recovery number is not applied twice),
            // and a lost one restarts empty elsewhere and restores from the files.
            getContext().getLog().warn("node {} left while job {} restores version {}; every shard restores again",
                    message.address(), job.jobId(), ledger.lastComplete());
            restored.clear();
            return this;
        }
        if (phase != Phase.TRAINING && phase != Phase.SEEDING) {
            return this;
        }
        getContext().getLog().warn("node {} left during job {}; checking that every shard still holds its tensors",
                message.address(), job.jobId());
        if (phase == Phase.SEEDING || shardSpecs == null) {
            return this;
        }
        if (job.asynchronous()) {
            for (int rank = 0; rank < roster.size(); rank++) {
                if (asynchronous.inFlight(rank, asynchronous.next(rank))) {
                    tellShards(plan(asynchronous.next(rank)), rank);
                }
            }
        } else {
            // Sharding starts the lost node's shards elsewhere only once it has seen the node go, which
            // may be after this message: repeat the plan until the step completes or a shard says it
            // is lost.
            tellShards(currentPlan, ParameterShard.ALL_WORKERS);
            probedStep = currentPlan.getStep();
            timers.startTimerWithFixedDelay(new ProbeShards(), CONFIGURE_RETRY);
        }
        return this;
    }

    private Behavior<CoordinatorProtocol.Request> onProbeShards() {
        if (phase == Phase.TRAINING && currentPlan != null && currentPlan.getStep() == probedStep) {
            tellShards(currentPlan, ParameterShard.ALL_WORKERS);
        } else {
            timers.cancel(new ProbeShards());
        }
        return this;
    }

    private Behavior<CoordinatorProtocol.Request> onShardLost(ShardLost message) {
        if (!message.jobId().equals(job.jobId()) || phase != Phase.TRAINING) {
            return this;
        }
        String lost = "shard " + message.entityId() + " lost its tensors (its node left the cluster; it restarted empty on "
                + message.endpoint() + ")";
        if (ledger.lastComplete() >= 0 && !job.asynchronous()) {
            return recover(lost);
        }
        String why = !checkpoints.enabled() ? "checkpoints are off; larcps coordinator --checkpoint-dir turns them on"
                : job.asynchronous() ? "asynchronous jobs are not checkpointed" : "no checkpoint is complete yet";
        return fail(lost + " and there is no checkpoint to recover from (" + why + "): the job stops rather than "
                + "train on with missing weights");
    }

    /** Rolls every shard back to the last checkpoint; the workers are rewound once all of them are there. */
    private Behavior<CoordinatorProtocol.Request> recover(String lost) {
        phase = Phase.RECOVERING;
        recoveries++;
        restored.clear();
        restoreAttempts = 0;
        timers.cancel(new ProbeShards());
        ledger.abandon();
        String reason = lost + "; every shard rolls back to version " + ledger.lastComplete() + " of the checkpoint and "
                + "the steps after it run again";
        getContext().getLog().warn("job {}: {}", job.jobId(), reason);
        listener.tell(new JobRewound(ledger.lastComplete(), reason));
        return onResendRestore();
    }

    private Behavior<CoordinatorProtocol.Request> onResendRestore() {
        if (phase != Phase.RECOVERING) {
            return this;
        }
        if (++restoreAttempts > RESTORE_ATTEMPTS) {
            return fail("recovery to version " + ledger.lastComplete() + " did not complete: shards "
                    + shardSpecs.stream().map(ShardSpec::shard).filter(shard -> !restored.contains(shard)).toList()
                    + " did not restore within " + CONFIGURE_RETRY.multipliedBy(RESTORE_ATTEMPTS).toSeconds() + " s");
        }
        ActorRef<Command> self = getContext().getSelf().narrow();
        String root = checkpoints.directory().orElseThrow().toString();
        tellShards(spec -> !restored.contains(spec.shard()),
                spec -> new ParameterShard.RestoreCheckpoint(spec, ledger.lastComplete(), root, recoveries, self));
        // Messages to an entity that is being moved can be lost; a shard answers a repeated order.
        timers.startSingleTimer(new ResendRestore(), CONFIGURE_RETRY);
        return this;
    }

    private Behavior<CoordinatorProtocol.Request> onShardRestored(ShardRestored message) {
        if (!message.jobId().equals(job.jobId()) || phase != Phase.RECOVERING || message.recovery() != recoveries) {
            return this;
        }
        endpoints.put(message.shard(), ShardEndpoint.newBuilder().setShard(message.shard()).setHost(message.host())
                .setPort(message.port()).build());
        restored.add(message.shard());
        if (restored.size() < shardCount) {
            return this;
        }
        timers.cancel(new ResendRestore());
        phase = Phase.TRAINING;
        if (resuming) {
            resuming = false;
            getContext().getLog().info("job {}: every shard holds version {} of the checkpoint; training resumes",
                    job.jobId(), ledger.lastComplete());
            for (int rank = 0; rank < roster.size(); rank++) {
                tellRegistered(rank);
            }
            startStep(ledger.lastComplete(), false);
            return this;
        }
        assignmentVersion++;
        getContext().getLog().info("job {}: every shard is back at version {}; the workers replay from there: {}",
                job.jobId(), ledger.lastComplete(), endpoints.values().stream()
                        .map(e -> e.getShard() + "@" + e.getHost() + ":" + e.getPort()).toList());
        roster.tellAll(new CoordinatorProtocol.Rewound(job.jobId(), ledger.lastComplete(), assignment()));
        startStep(ledger.lastComplete(), false);
        return this;
    }

    private Behavior<CoordinatorProtocol.Request> onCheckpointWritten(CheckpointWritten message) {
        if (!message.jobId().equals(job.jobId())) {
            return this;
        }
        Optional<List<String>> files = ledger.written(message.shard(), message.version(), message.files());
        if (files.isEmpty()) {
            return this;
        }
        Path directory = ShardCheckpoint.directory(checkpoints.directory().orElseThrow(), job.jobId(), message.version());
        try {
            // The manifest comes last: a version with one is complete.
            Files.write(directory.resolve(JobCheckpoints.MANIFEST), files.get());
        } catch (IOException e) {
            getContext().getLog().warn("job {}: could not write the manifest of version {} ({}); the shards' files are "
                    + "complete, so recovery can still use them", job.jobId(), message.version(), e.toString());
        }
        getContext().getLog().info("job {}: checkpoint of version {} complete in {}", job.jobId(), message.version(),
                directory);
        return this;
    }

    private Behavior<CoordinatorProtocol.Request> onCheckpointFailed(CheckpointFailed message) {
        if (!message.jobId().equals(job.jobId())) {
            return this;
        }
        if (phase == Phase.RECOVERING && message.version() == ledger.lastComplete()) {
            return fail((resuming ? "resuming" : "recovery") + " from the checkpoint of version " + message.version()
                    + " failed: " + message.reason());
        }
        if (ledger.failed(message.version())) {
            // Training goes on; the last complete checkpoint stays the one to recover from.
            getContext().getLog().error("job {}: the checkpoint of version {} failed and is dropped: {}", job.jobId(),
                    message.version(), message.reason());
        }
        return this;
    }

    private Behavior<CoordinatorProtocol.Request> fail(String reason) {
        phase = Phase.FAILED;
        timers.cancelAll();
        getContext().getLog().error("job {} failed: {}", job.jobId(), reason);
        roster.tellAll(new CoordinatorProtocol.JobFailed(job.jobId(), reason));
        listener.tell(new JobAborted(reason));
        return this;
    }

    /**
     * Starts step {@code step} on the shards, after asking them for a checkpoint when one is due.
     * Workers hear of each plan one step early ({@code workersHavePlan}), except the first and the first
     * after a rewind: a worker holds the weights of step t + 1 as soon as the last shard has sent them,
     * before that shard's report reaches this actor, and must not then wait for the plan. A plan
     * depends on nothing a step decides (the schedule is a function of the step, and a synchronous
     * job's participants do not change), so it can go out early.
     */
    private void startStep(long step, boolean workersHavePlan) {
        currentPlan = plan(step);
        applied.clear();
        if (ledger.due(checkpoints, step)) {
            long replaced = ledger.begin(step);
            if (replaced >= 0) {
                getContext().getLog().warn("job {}: the checkpoint of version {} never completed (a shard's answer was "
                        + "lost?); it is dropped for version {}", job.jobId(), replaced, step);
            }
            // A manifest left from an earlier pass over this version (a resumed job replays it) must not
            // vouch for files while they are rewritten.
            Path manifest = ShardCheckpoint.directory(checkpoints.directory().orElseThrow(), job.jobId(), step)
                    .resolve(JobCheckpoints.MANIFEST);
            try {
                Files.deleteIfExists(manifest);
            } catch (IOException e) {
                getContext().getLog().warn("job {}: could not remove the old manifest {} ({}); version {} is written "
                        + "anyway", job.jobId(), manifest, e.toString(), step);
            }
            // Before the plan: a shard writes the version it holds before any push of this step is applied.
            ActorRef<Command> self = getContext().getSelf().narrow();
            String root = checkpoints.directory().orElseThrow().toString();
            tellShards(spec -> new ParameterShard.WriteCheckpoint(step, root, self));
        }
        tellShards(currentPlan, ParameterShard.ALL_WORKERS);
        if (!workersHavePlan) {
            roster.tellAll(new CoordinatorProtocol.StepPlanned(currentPlan));
        }
        nextPlan().ifPresent(next -> roster.tellAll(new CoordinatorProtocol.StepPlanned(next)));
    }

    /** Synchronous mode: the plan after the current one, if the job has another step. */
    private Optional<StepPlan> nextPlan() {
        long next = currentPlan.getStep() + 1;
        return next < job.totalSteps() ? Optional.of(plan(next)) : Optional.empty();
    }

    /** Asynchronous mode: worker {@code rank} may run its next step. */
    private void planWorker(int rank) {
        StepPlan plan = plan(asynchronous.next(rank));
        asynchronous.started(rank);
        tellShards(plan, rank);
        roster.replyTo(rank).tell(new CoordinatorProtocol.StepPlanned(plan));
    }

    private Behavior<CoordinatorProtocol.Request> onStepApplied(StepApplied command) {
        if (job.asynchronous()) {
            return onContributionApplied(command);
        }
        if (!command.jobId().equals(job.jobId()) || phase != Phase.TRAINING || command.step() != currentPlan.getStep()) {
            getContext().getLog().warn("ignoring step {} applied by shard {} of job {} (at step {})", command.step(),
                    command.shard(), command.jobId(), currentPlan == null ? -1 : currentPlan.getStep());
            return this;
        }
        applied.put(command.shard(), command);
        if (applied.size() < shardCount) {
            return this;
        }
        long step = currentPlan.getStep();
        listener.tell(completion(step, currentPlan.getLearningRate()));
        if (step + 1 == job.totalSteps()) {
            phase = Phase.FINISHED;
            getContext().getLog().info("job {} finished after {} steps", job.jobId(), job.totalSteps());
            roster.tellAll(new CoordinatorProtocol.JobFinished(job.jobId(), step + 1));
            completeIfAllDone();
        } else {
            startStep(step + 1, true);
        }
        return this;
    }

    private Behavior<CoordinatorProtocol.Request> onContributionApplied(StepApplied command) {
        if (!command.jobId().equals(job.jobId()) || phase != Phase.TRAINING || asynchronous == null
                || !asynchronous.inFlight(command.lane(), command.step())) {
            getContext().getLog().warn("ignoring step {} of rank {} applied by shard {} of job {}", command.step(),
                    command.lane(), command.shard(), command.jobId());
            return this;
        }
        Map<Integer, StepApplied> byShard = appliedByRank.computeIfAbsent(command.lane(), rank -> new TreeMap<>());
        byShard.put(command.shard(), command);
        if (byShard.size() < shardCount) {
            return this;
        }
        appliedByRank.remove(command.lane());
        applied.clear();
        applied.putAll(byShard);
        long slowestBefore = asynchronous.slowest();
        asynchronous.finished(command.lane());
        for (long step = slowestBefore; step < asynchronous.slowest(); step++) {
            listener.tell(completion(step, schedule.at(step)));
        }
        if (asynchronous.allDone()) {
            phase = Phase.FINISHED;
            getContext().getLog().info("job {} finished after {} steps per worker", job.jobId(), job.totalSteps());
            roster.tellAll(new CoordinatorProtocol.JobFinished(job.jobId(), job.totalSteps()));
            completeIfAllDone();
        } else {
            asynchronous.startable().forEach(this::planWorker);
        }
        return this;
    }

    private Behavior<CoordinatorProtocol.Request> onWorkerDone(CoordinatorProtocol.WorkerDone message) {
        if (message.jobId().equals(job.jobId())) {
            done.add(message.rank());
            completeIfAllDone();
        }
        return this;
    }

    private void completeIfAllDone() {
        if (phase == Phase.FINISHED && done.size() == roster.size() && !completionAnnounced) {
            completionAnnounced = true;
            listener.tell(new JobCompleted(job.totalSteps()));
        }
    }

    private StepCompleted completion(long step, double learningRate) {
        Double[] factors = new Double[shardOfTensor.length];
        int poisoned = 0;
        for (StepApplied shard : applied.values()) {
            poisoned += shard.poisonedContributions();
            for (int i = 0; i < shard.tensorIds().size(); i++) {
                factors[shard.tensorIds().get(i)] = shard.trustFactors().get(i);
            }
        }
        return new StepCompleted(step, learningRate, poisoned, Arrays.asList(factors));
    }
}
