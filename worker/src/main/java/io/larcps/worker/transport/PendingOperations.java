package io.larcps.worker.transport;

import io.larcps.proto.data.ErrorReport;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.frame.TensorFrame;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's pushes and pull in progress, and what the shard connections report about them:
 * WEIGHTS go to the pull; an ERROR frame of step s fails the pushes of step s, the pull of version
 * s (the shard refused the pull itself), and the pull of version s + 1 if the refusal means that
 * version cannot come ({@link Rejections}); a lost connection or {@link #terminate} fails
 * everything pending and every later operation.
 */
final class PendingOperations implements InboundSink {

    private static final Logger log = LoggerFactory.getLogger(PendingOperations.class);

    private final ShardRouting routing;
    private final String jobId;
    private final Set<PushOperation> pushes = ConcurrentHashMap.newKeySet();
    private final AtomicReference<PullOperation> pull = new AtomicReference<>();
    private final Rejections rejections = new Rejections();
    private final AtomicReference<Throwable> terminal = new AtomicReference<>();
    /**
     * Orders an ERROR's bookkeeping against new operations: a refusal seen by a new pull (recorded)
     * has also already failed the pushes it concerns, so it can never fail a push started after that.
     */
    private final Object errorOrder = new Object();

    PendingOperations(ShardRouting routing, String jobId) {
        this.routing = routing;
        this.jobId = jobId;
    }

    /** Registers and starts {@code push}, unless the client is already closed or broken. */
    void startPush(PushOperation push) {
        synchronized (errorOrder) {
            rejections.forget(push.step());
            pushes.add(push);
        }
        push.future().whenComplete((ignored, failure) -> pushes.remove(push));
        // Checked after registering: terminate() fails either this push or one registered before it.
        Throwable cause = terminal.get();
        if (cause != null) {
            push.fail(cause);
        } else {
            push.pump();
        }
    }

    /**
     * Creates the one pull in progress.
     *
     * @return the pull, possibly already failed (client closed or broken, or the step producing
     *     this version was rejected)
     * @throws IllegalStateException while another pull is in progress
     */
    PullOperation startPull(long version, float[][] into) {
        PullOperation created = new PullOperation(version, into, routing, done -> pull.compareAndSet(done, null));
        PullOperation current = pull.compareAndExchange(null, created);
        if (current != null) {
            throw new IllegalStateException("a pull of version " + current.version()
                    + " is still in progress; pull one version at a time");
        }
        // A caller's orTimeout or cancel completes the future without us: free the slot then too.
        created.future().whenComplete((ignored, failure) -> pull.compareAndSet(created, null));
        Throwable cause = terminal.get();
        ParameterServerException rejected;
        synchronized (errorOrder) {
            rejected = rejections.blocking(version);
        }
        if (cause != null) {
            created.fail(cause);
        } else if (rejected != null) {
            created.fail(rejected);
        }
        return created;
    }

    /** Fails everything pending and everything started later with {@code cause}; the first cause wins. */
    void terminate(Throwable cause) {
        if (!terminal.compareAndSet(null, cause)) {
            return;
        }
        pushes.forEach(push -> push.fail(cause));
        PullOperation current = pull.get();
        if (current != null) {
            current.fail(cause);
        }
    }

    boolean isTerminated() {
        return terminal.get() != null;
    }

    @Override
    public void weights(TensorFrame frame, Endpoint from) {
        FrameHeader header = frame.header();
        PullOperation current = pull.get();
        if (current == null || header.getStep() != current.version()) {
            log.debug("dropping a WEIGHTS chunk of {} version {} from {}: no pull of that version in progress "
                    + "(a late answer to an earlier pull)", describeTensor(header), header.getStep(), from);
            return;
        }
        if (!jobId.equals(header.getJobId())) {
            current.fail(new DataPlaneException(from, "WEIGHTS chunk of " + describeTensor(header) + " is for job '"
                    + header.getJobId() + "', this client serves job '" + jobId + "'"));
            return;
        }
        current.accept(frame, from);
    }

    private String describeTensor(FrameHeader header) {
        int tensorId = header.getTensorId();
        return tensorId < routing.tensorCount() ? routing.describe(tensorId) : "tensor " + tensorId;
    }

    @Override
    public void error(FrameHeader header, Endpoint from) {
        ErrorReport report = header.getError();
        long step = header.getStep();
        ParameterServerException rejection = new ParameterServerException(
                report.getCode(), shardOf(header, from), step, from, report.getMessage());
        log.warn("job {}: {}", jobId, rejection.getMessage());
        List<PushOperation> refused;
        synchronized (errorOrder) {
            rejections.record(rejection);
            refused = pushes.stream().filter(push -> push.step() == step).toList();
        }
        refused.forEach(push -> push.fail(rejection));
        // Version v is what the shard answers pull(v) with and what step v - 1 produces.
        PullOperation current = pull.get();
        if (current != null && (current.version() == step
                || (current.version() == step + 1 && Rejections.blocksNextVersion(report.getCode())))) {
            current.fail(rejection);
        }
    }

    // Shards echo the refused frame's shard field, which this client sets on every frame it sends.
    private int shardOf(FrameHeader header, Endpoint from) {
        List<Integer> shards = routing.shardsAt(from);
        if (shards.contains(header.getShard())) {
            return header.getShard();
        }
        return shards.size() == 1 ? shards.get(0) : ParameterServerException.UNKNOWN_SHARD;
    }

    @Override
    public void lost(Endpoint endpoint, Throwable cause) {
        if (isTerminated()) {
            log.debug("connection to {} ended after the client stopped", endpoint, cause);
            return;
        }
        String detail = cause == null ? "connection closed by the server" : "connection failed: " + cause;
        DataPlaneException failure = new DataPlaneException(endpoint, detail, cause);
        log.warn("job {}: data plane to {}: {}; failing every pending push and pull", jobId, endpoint, detail);
        terminate(failure);
    }
}
