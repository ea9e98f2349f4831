package io.larcps.worker;

import io.larcps.proto.control.RegisterWorker;
import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.frame.InProcessEndpoints;
import io.larcps.proto.frame.InProcessLoop;
import io.larcps.proto.protocol.CoordinatorProtocol;
import io.larcps.proto.protocol.CoordinatorProtocol.WorkerEvent;
import io.larcps.worker.transport.ParameterClient;
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

    private record WeightsArrived(long version) implements Command {
    }

    private record Failed(String what, Throwable cause) implements Command {
    }

    private record FinalWeightsArrived() implements Command {
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

    private static final Duration REGISTRATION_RETRY = Duration.ofSeconds(2);
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
                .onMessage(FinalWeightsArrived.class, message -> onFinalWeights())
                .onMessage(Failed.class, this::onFailed)
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
        client = new ParameterClient(setup.frames(), setup.jobId(), rank,
                ShardRouting.of(registered.assignment(), setup.source().layout()), setup.eventLoops(),
                setup.maxBytesInFlight(), inProcessLoop);
        ParameterClient connecting = client;
        // A plain logger: the actor's own may only be used on the actor's thread.
        CompletableFuture<Void> ready = client.connect().thenRun(() -> LOG.info("worker {} reaches its shards {}",
                setup.workerId(), connecting.inProcess() ? "in process (no socket)" : "over TCP"));
        if (rank == 0) {
            ready = ready.thenCompose(connected -> client.seed(setup.source().initialWeights()));
        }
        pipe(ready.thenCompose(seeded -> client.pull(0, weights)), 0, "fetching the initial weights");
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
        CompletableFuture<Void> exchanged = participant < 0
                ? weightsHeld.thenCompose(held -> client.pull(step + 1, weights))
                : weightsHeld.thenApplyAsync(held -> {
                    setup.source().bindDevice(setup.deviceIndex());
                    timing.computing();
                    GradientSource.Contribution contribution = setup.source().compute(weights, plan, participant);
                    timing.computed();
                    return contribution;
                }, compute).thenCompose(contribution -> exchange(step, contribution, timing));
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
    private CompletableFuture<Void> exchange(long step, GradientSource.Contribution contribution, StepTimes.Step timing) {
        CompletableFuture<Void> pushed = client.push(step, contribution.sums(), contribution.samples())
                .thenRun(timing::pushed);
        CompletableFuture<Void> pulled = client.pull(step + 1, weights);
        CompletableFuture<Void> both = CompletableFuture.allOf(pushed, pulled);
        pushed.exceptionally(failure -> {
            both.completeExceptionally(failure);
            return null;
        });
        return both;
    }

    private void pipe(CompletableFuture<Void> work, long version, String what) {
        getContext().pipeToSelf(work, (ok, failure) -> failure == null
                ? new WeightsArrived(version) : new Failed(what, failure));
    }

    private Behavior<Command> onWeightsArrived(WeightsArrived message) {
        heldVersion = message.version();
        Running done = running.pollFirst();
        if (done != null) {
            times.finish(done.timing());
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
        getContext().pipeToSelf(client.pull(finalVersion, weights), (ok, failure) -> failure == null
                ? new FinalWeightsArrived() : new Failed("fetching the final weights", failure));
        return this;
    }

    private Behavior<Command> onFinalWeights() {
        getContext().getLog().info("worker {} (rank {}) finished with version {}", setup.workerId(), rank, heldVersion);
        coordinator.tell(new CoordinatorProtocol.WorkerDone(setup.jobId(), rank));
        reported = true;
        reportTo.tell(new Finished(rank, finalVersion, weights, times.total()));
        return Behaviors.stopped();
    }

    private Behavior<Command> onFailed(Failed message) {
        Throwable cause = message.cause() instanceof java.util.concurrent.CompletionException wrapped
                && wrapped.getCause() != null ? wrapped.getCause() : message.cause();
        getContext().getLog().error("worker {} failed during {}", setup.workerId(), message.what(), cause);
        return giveUp(message.what() + " failed: " + cause.getMessage());
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
