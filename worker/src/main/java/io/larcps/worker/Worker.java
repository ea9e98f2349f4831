package io.larcps.worker;

import io.larcps.proto.control.RegisterWorker;
import io.larcps.proto.control.ShardAssignment;
import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.frame.InProcessEndpoints;
import io.larcps.proto.frame.InProcessLoop;
import io.larcps.proto.protocol.CoordinatorProtocol;
import io.larcps.proto.protocol.CoordinatorProtocol.WorkerEvent;
import io.larcps.worker.transport.DataPlaneException;
import io.larcps.worker.transport.ParameterClient;
import io.larcps.worker.transport.ParameterServerException;
import io.larcps.worker.transport.ShardRouting;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker (one device): registers with the coordinator, then per step computes its part of the
 * global batch on the weights of that step's version, pushes the gradient sums to the shards and
 * pulls the next version. Gradient work runs on a dedicated dispatcher; this actor only sequences.
 * When a shard's connection is lost it waits for the coordinator to rewind the job to a checkpoint,
 * then reconnects and replays from there (docs/recovery.md).
 */
public final class Worker extends AbstractBehavior<Worker.Command> {

    public sealed interface Command {
    }

    private record CoordinatorsChanged(Receptionist.Listing listing) implements Command {
    }

    private record FromCoordinator(WorkerEvent event) implements Command {
    }

    private record RetryRegistration() implements Command {
    }

    /** The work that ended here was started in {@code generation} (one per connection to the shards). */
    private record WeightsArrived(long version, int generation) implements Command {
    }

    private record Failed(String what, Throwable cause, int generation) implements Command {
    }

    private record FinalWeightsArrived(int generation) implements Command {
    }

    private record RecoveryOverdue(int generation, String failure) implements Command {
    }

    /** What the worker reports when its job ends. */
    public sealed interface Outcome {
    }

    /**
     * The job ran to the end; {@code weights} are the final version, one array per tensor, and
     * {@code times} where this worker's time went over all its steps.
     */
    public record Finished(int rank, long steps, float[][] weights, StepTimes times) implements Outcome {
    }

    /**
     * Rank 0 holds version {@code version}, a multiple of the setup's report interval (an epoch, say):
     * a copy of the weights, for evaluation while training goes on, and where its time went so far.
     */
    public record Reached(long version, float[][] weights, StepTimes times) implements Outcome {
    }

    /** The worker gave up; {@code reason} says why in a sentence. */
    public record GaveUp(String reason) implements Outcome {
    }

    /**
     * Published on this node's event stream as each step of the worker's is done (it holds the next
     * version's weights): where that step's time went. For metrics; nothing in larc-ps waits for it.
     */
    public record StepDone(String jobId, int rank, long step, StepTimes split) {
    }

    private static final Duration REGISTRATION_RETRY = Duration.ofSeconds(2);
    private static final String RECOVERY_TIMER = "recovery";
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final WorkerSetup setup;
    private final ActorRef<Outcome> reportTo;
    private final TimerScheduler<Command> timers;
    private final Executor compute;
    private final ActorRef<WorkerEvent> events;
    private final float[][] weights;
    /** Where in-VM connections to this JVM's shards run; empty when the data plane is TCP only. */
    private final Optional<EventLoopGroup> inProcessLoop;
    private ActorRef<CoordinatorProtocol.Request> coordinator;
    private ParameterClient client;
    /** The current client's connection, with anything it had to wait for. */
    private CompletableFuture<Void> connecting;
    /** Bumped at every rewind: what an older generation started ends unheard. */
    private int generation;
    /** The gradient computed last (or being computed): a rewind waits for it before the source is used again. */
    private CompletableFuture<?> lastCompute = CompletableFuture.completedFuture(null);
    private final Duration recoveryTimeout;
    private int rank = -1;
    private long heldVersion = -1;
    /** Plans not yet run, by step: the coordinator sends a synchronous job's plans a step early. */
    private final NavigableMap<Long, StepPlan> plans = new TreeMap<>();
    /**
     * Steps launched whose weights are not yet held, oldest first: at most the step in flight and the
     * next one, queued behind it so that its compute starts on the thread that completes the pull,
     * without a round through this actor.
     */
    private final ArrayDeque<Running> running = new ArrayDeque<>();
    private boolean finishing;
    private long finalVersion = -1;
    /** Whether the outcome (finished or gave up) was reported: a worker that stops without one reports that. */
    private boolean reported;
    private final StepTimes.Accumulator times = new StepTimes.Accumulator();

    /** A launched step: it completes when the weights of version {@code step + 1} are held. */
    private record Running(long step, StepTimes.Step timing, CompletableFuture<Void> weightsHeld) {
    }

    public static Behavior<Command> create(WorkerSetup setup, ActorRef<Outcome> reportTo) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> new Worker(context, timers, setup, reportTo)));
    }

    private Worker(ActorContext<Command> context, TimerScheduler<Command> timers, WorkerSetup setup,
            ActorRef<Outcome> reportTo) {
        super(context);
        this.setup = setup;
        this.reportTo = reportTo;
        this.timers = timers;
        this.compute = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(setup.computeDispatcher()));
        this.recoveryTimeout = context.getSystem().settings().config().getDuration("larcps.worker.recovery-timeout");
        this.events = context.messageAdapter(WorkerEvent.class, FromCoordinator::new);
        this.inProcessLoop = InProcessEndpoints.enabled(context.getSystem().settings().config())
                ? Optional.of(InProcessLoop.get(context.getSystem()).group()) : Optional.empty();
        TensorLayout layout = setup.source().layout();
        this.weights = new float[layout.getTensorsCount()][];
        for (int i = 0; i < weights.length; i++) {
            long elements = layout.getTensors(i).getShapeList().stream().reduce(1L, Math::multiplyExact);
            weights[i] = new float[Math.toIntExact(elements)];
        }
        context.getSystem().receptionist().tell(Receptionist.subscribe(CoordinatorProtocol.SERVICE_KEY,
                context.messageAdapter(Receptionist.Listing.class, CoordinatorsChanged::new)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(CoordinatorsChanged.class, this::onCoordinatorsChanged)
                .onMessage(RetryRegistration.class, message -> register())
                .onMessage(FromCoordinator.class, this::onFromCoordinator)
                .onMessage(WeightsArrived.class, this::onWeightsArrived)
                .onMessage(FinalWeightsArrived.class, this::onFinalWeights)
                .onMessage(Failed.class, this::onFailed)
                .onMessage(RecoveryOverdue.class, this::onRecoveryOverdue)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<Command> onCoordinatorsChanged(CoordinatorsChanged message) {
        var found = message.listing().getServiceInstances(CoordinatorProtocol.SERVICE_KEY);
        if (!found.isEmpty()) {
            coordinator = found.iterator().next();
            if (rank < 0) {
                return register();
            }
        }
        return this;
    }

    private Behavior<Command> register() {
        if (coordinator == null || rank >= 0) {
            return this;
        }
        coordinator.tell(new CoordinatorProtocol.RegisterWorker(RegisterWorker.newBuilder()
                .setJobId(setup.jobId())
                .setWorkerId(setup.workerId())
                .setHost(setup.host())
                .setDeviceIndex(setup.deviceIndex())
                .setLayout(setup.source().layout())
                .setBatchSize(setup.batchSize())
                .build(), events));
        // Messages to a singleton that is still starting can be lost; registration is idempotent.
        timers.startSingleTimer(new RetryRegistration(), REGISTRATION_RETRY);
        return this;
    }

    private Behavior<Command> onFromCoordinator(FromCoordinator message) {
        WorkerEvent event = message.event();
        if (event instanceof CoordinatorProtocol.Registered registered) {
            return onRegistered(registered);
        } else if (event instanceof CoordinatorProtocol.Rejected rejected) {
            return giveUp("the coordinator refused this worker: " + rejected.rejected().getReason());
        } else if (event instanceof CoordinatorProtocol.StepPlanned planned) {
            plans.put(planned.plan().getStep(), planned.plan());
            return startStepIfReady();
        } else if (event instanceof CoordinatorProtocol.Rewound rewound) {
            return onRewound(rewound);
        } else if (event instanceof CoordinatorProtocol.JobFailed failed) {
            return giveUp("job " + failed.jobId() + " failed: " + failed.reason());
        } else if (event instanceof CoordinatorProtocol.JobFinished finished) {
            finalVersion = finished.steps();
            return finishIfDone();
        }
        return this;
    }

    private Behavior<Command> onRegistered(CoordinatorProtocol.Registered registered) {
        timers.cancel(new RetryRegistration());
        if (rank >= 0) {
            return this;
        }
        rank = registered.registered().getRank();
        getContext().getLog().info("worker {} is rank {} of {}", setup.workerId(), rank,
                registered.registered().getWorldSize());
        ParameterClient connected = connect(registered.assignment(), CompletableFuture.completedFuture(null));
        CompletableFuture<Void> ready = connecting;
        if (registered.registered().getResumed()) {
            // The shards restored a checkpoint: its weights are the ones to start from, and nobody seeds.
            long start = registered.registered().getStartVersion();
            pipe(ready.thenCompose(done -> connected.pull(start, weights)), start,
                    "fetching version " + start + " of the checkpoint the job resumes from");
            return this;
        }
        if (rank == 0) {
            ready = ready.thenCompose(done -> connected.seed(setup.source().initialWeights()));
        }
        pipe(ready.thenCompose(seeded -> connected.pull(0, weights)), 0, "fetching the initial weights");
        return this;
    }

    /**
     * A new client for {@code assignment}, the current one from now on; it connects once {@code quiet}
     * completes, and {@link #connecting} completes when it is connected.
     */
    private ParameterClient connect(ShardAssignment assignment, CompletableFuture<?> quiet) {
        ParameterClient fresh = new ParameterClient(setup.frames(), setup.jobId(), rank,
                ShardRouting.of(assignment, setup.source().layout()), setup.eventLoops(), setup.maxBytesInFlight(),
                inProcessLoop);
        client = fresh;
        // A plain logger: the actor's own may only be used on the actor's thread.
        connecting = quiet.thenCompose(ignored -> fresh.connect()).thenRun(() -> LOG.info(
                "worker {} reaches its shards {}", setup.workerId(), fresh.inProcess() ? "in process (no socket)" : "over TCP"));
        return fresh;
    }

    /**
     * Every shard is back at a checkpoint's version: drop the steps under way (their connection is
     * closed, so they fail, and their failures are ignored as an older generation's), wait for a
     * gradient still being computed, connect where the assignment says and pull that version. The
     * plans of the steps to replay follow from the coordinator.
     */
    private Behavior<Command> onRewound(CoordinatorProtocol.Rewound rewound) {
        if (rank < 0 || finishing) {
            return this;
        }
        generation++;
        timers.cancel(RECOVERY_TIMER);
        getContext().getLog().warn("worker {} (rank {}) rewinds to version {}: a shard was lost and restored from a "
                + "checkpoint", setup.workerId(), rank, rewound.version());
        client.close();
        running.clear();
        plans.clear();
        heldVersion = -1;
        CompletableFuture<?> quiet = lastCompute.handle((ok, failure) -> null);
        ParameterClient fresh = connect(rewound.assignment(), quiet);
        pipe(connecting.thenCompose(ready -> fresh.pull(rewound.version(), weights)), rewound.version(),
                "fetching version " + rewound.version() + " after the rewind");
        return this;
    }

    /** Launches the next step when its plan is here and it may run: now, or queued behind the step in flight. */
    private Behavior<Command> startStepIfReady() {
        // The step on the held version, then perhaps the one behind it.
        if (!finishing && launchNext()) {
            launchNext();
        }
        return this;
    }

    private boolean launchNext() {
        long next = heldVersion + running.size();
        plans.headMap(next, false).clear();
        StepPlan plan = plans.get(next);
        if (plan == null || running.size() > 1) {
            return false;
        }
        CompletableFuture<Void> weightsHeld;
        if (running.isEmpty()) {
            weightsHeld = CompletableFuture.completedFuture(null);
        } else if (isReported(next)) {
            // This actor copies a reported version before the next step may overwrite it: launched on arrival.
            return false;
        } else {
            weightsHeld = running.peekLast().weightsHeld();
        }
        plans.remove(next);
        launch(plan, weightsHeld);
        return true;
    }

    /** Runs {@code plan}'s step once {@code weightsHeld} completes: compute, then push and pull. */
    private void launch(StepPlan plan, CompletableFuture<Void> weightsHeld) {
        int participant = plan.getParticipantRanksList().indexOf(rank);
        long step = plan.getStep();
        StepTimes.Step timing = times.start();
        // The step keeps the client it was launched with: after a rewind, a late gradient must not
        // reach the new connection.
        ParameterClient stepClient = client;
        CompletableFuture<Void> exchanged;
        if (participant < 0) {
            exchanged = weightsHeld.thenCompose(held -> stepClient.pull(step + 1, weights));
        } else {
            CompletableFuture<GradientSource.Contribution> computed = weightsHeld.thenApplyAsync(held -> {
                setup.source().bindDevice(setup.deviceIndex());
                timing.computing();
                GradientSource.Contribution contribution = setup.source().compute(weights, plan, participant);
                timing.computed();
                return contribution;
            }, compute);
            lastCompute = computed;
            exchanged = computed.thenCompose(contribution -> exchange(stepClient, step, contribution, timing));
        }
        CompletableFuture<Void> held = exchanged.thenRun(timing::pulled);
        running.addLast(new Running(step, timing, held));
        pipe(held, step + 1, "step " + step);
    }

    /** Whether rank 0 reports {@code version} (a copy of its weights, for evaluation). */
    private boolean isReported(long version) {
        return rank == 0 && setup.reportEvery() > 0 && version > 0 && version % setup.reportEvery() == 0;
    }

    /**
     * Pushes a step's gradients and asks for the next version at once: the shards hold the pull until
     * the step is applied, so it need not wait for the push's writes to finish, a round trip of
     * callbacks per step. The weights array is free to be overwritten, the step's compute being done.
     * Fails as soon as either part fails.
     */
    private CompletableFuture<Void> exchange(ParameterClient stepClient, long step, GradientSource.Contribution contribution,
            StepTimes.Step timing) {
        CompletableFuture<Void> pushed = stepClient.push(step, contribution.sums(), contribution.samples())
                .thenRun(timing::pushed);
        CompletableFuture<Void> pulled = stepClient.pull(step + 1, weights);
        CompletableFuture<Void> both = CompletableFuture.allOf(pushed, pulled);
        pushed.exceptionally(failure -> {
            both.completeExceptionally(failure);
            return null;
        });
        return both;
    }

    private void pipe(CompletableFuture<Void> work, long version, String what) {
        int current = generation;
        getContext().pipeToSelf(work, (ok, failure) -> failure == null
                ? new WeightsArrived(version, current) : new Failed(what, failure, current));
    }

    private Behavior<Command> onWeightsArrived(WeightsArrived message) {
        // Versions only go up within a generation: a later version's arrival already accounted for this one.
        if (message.generation() != generation || message.version() <= heldVersion) {
            return this;
        }
        heldVersion = message.version();
        while (!running.isEmpty() && running.peekFirst().step() < heldVersion) {
            Running done = running.pollFirst();
            StepTimes split = times.finish(done.timing());
            getContext().getSystem().eventStream().tell(new EventStream.Publish<>(
                    new StepDone(setup.jobId(), rank, done.step(), split)));
        }
        if (isReported(heldVersion)) {
            float[][] copy = new float[weights.length][];
            for (int i = 0; i < weights.length; i++) {
                copy[i] = weights[i].clone();
            }
            reportTo.tell(new Reached(heldVersion, copy, times.total()));
        }
        Behavior<Command> next = finishIfDone();
        return next == this ? startStepIfReady() : next;
    }

    private Behavior<Command> finishIfDone() {
        if (finalVersion < 0 || heldVersion != finalVersion || !running.isEmpty() || finishing) {
            return this;
        }
        // Pull once more: in asynchronous mode the last pull may predate other workers' last steps;
        // the job only finishes once every step is applied, so this pull sees all of them.
        finishing = true;
        int current = generation;
        getContext().pipeToSelf(client.pull(finalVersion, weights), (ok, failure) -> failure == null
                ? new FinalWeightsArrived(current) : new Failed("fetching the final weights", failure, current));
        return this;
    }

    private Behavior<Command> onFinalWeights(FinalWeightsArrived message) {
        if (message.generation() != generation) {
            return this;
        }
        getContext().getLog().info("worker {} (rank {}) finished with version {}", setup.workerId(), rank, heldVersion);
        coordinator.tell(new CoordinatorProtocol.WorkerDone(setup.jobId(), rank));
        reported = true;
        reportTo.tell(new Finished(rank, finalVersion, weights, times.total()));
        return Behaviors.stopped();
    }

    /**
     * A failure of the current generation. One on the data plane (a shard's connection or answer) may
     * be a shard being lost: the worker waits up to the recovery timeout for the coordinator to rewind
     * the job, or to fail it with its reason. Any other failure ends the worker.
     */
    private Behavior<Command> onFailed(Failed message) {
        if (message.generation() != generation) {
            return this;
        }
        Throwable cause = message.cause() instanceof java.util.concurrent.CompletionException wrapped
                && wrapped.getCause() != null ? wrapped.getCause() : message.cause();
        String failure = message.what() + " failed: " + cause.getMessage();
        if (mayBeRecovered(cause) && !finishing && !recoveryTimeout.isZero()) {
            if (!timers.isTimerActive(RECOVERY_TIMER)) {
                getContext().getLog().warn("worker {}: {}; waiting up to {} s for the coordinator to recover the job",
                        setup.workerId(), failure, recoveryTimeout.toSeconds());
                timers.startSingleTimer(RECOVERY_TIMER, new RecoveryOverdue(generation, failure), recoveryTimeout);
            }
            return this;
        }
        getContext().getLog().error("worker {} failed during {}", setup.workerId(), message.what(), cause);
        return giveUp(failure);
    }

    /**
     * A lost connection, or what a shard that restarted or rolled back answers (it knows no such job
     * yet, or holds another version); any other refusal is a bug that waiting will not fix.
     */
    private static boolean mayBeRecovered(Throwable cause) {
        if (cause instanceof ParameterServerException refused) {
            return switch (refused.code()) {
                case UNKNOWN_JOB, STALE_STEP, FUTURE_STEP -> true;
                default -> false;
            };
        }
        return cause instanceof DataPlaneException;
    }

    private Behavior<Command> onRecoveryOverdue(RecoveryOverdue message) {
        if (message.generation() != generation) {
            return this;
        }
        return giveUp(message.failure() + " (no recovery within " + recoveryTimeout.toSeconds() + " s)");
    }

    private Behavior<Command> giveUp(String reason) {
        reported = true;
        reportTo.tell(new GaveUp(reason));
        return Behaviors.stopped();
    }

    private Behavior<Command> onPostStop() {
        if (client != null) {
            client.close();
        }
        if (!reported) {
            // Stopped by a failure in this actor or from outside: whoever waits for the outcome must not hang.
            reportTo.tell(new GaveUp("worker " + setup.workerId() + " stopped before its job ended"
                    + " (a failure in the worker is logged above)"));
        }
        return this;
    }
}
