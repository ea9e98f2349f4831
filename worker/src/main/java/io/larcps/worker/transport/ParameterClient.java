package io.larcps.worker.transport;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.SlabReceiveAllocator;
import io.larcps.proto.frame.TensorFrame;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A worker's data-plane client (ps-lite's Push / Pull / Wait): pushes gradient sums to the shards
 * that own each tensor and pulls new weights back, over one connection per shard endpoint.
 *
 * <p>Threading. Every method may be called from any thread and none blocks. Operations complete on
 * Netty event-loop threads, so continuations attached without an executor run there and must not
 * block; never wait on a returned future from an event-loop thread. A push encodes chunks on the
 * calling thread until the bytes-in-flight bound is reached, then on the event loop that frees
 * room. WEIGHTS chunks are copied into the pull's arrays on the event loop of their connection.
 *
 * <p>Failures. A shard's ERROR frame fails the pushes of its step and the pull waiting on that step
 * with a {@link ParameterServerException}; a lost connection fails everything pending, and every
 * later operation, with a {@link DataPlaneException} naming the endpoint: the client does not
 * reconnect (shards that move come with a new {@link ShardRouting}, hence a new client).
 */
public final class ParameterClient implements AutoCloseable {

    private enum State { NEW, CONNECTING, CONNECTED, CLOSED }

    private final FrameSettings settings;
    private final String jobId;
    private final int rank;
    private final ShardRouting routing;
    private final InFlightBudget budget;
    private final PushBuffers pushBuffers;
    private final SlabReceiveAllocator reads;
    private final PendingOperations pending;
    private final ShardChannels channels;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

    /**
     * A client that reaches every shard over TCP.
     *
     * @param group an NIO event-loop group, shared with others and shut down by its owner, not here
     * @param maxBytesInFlight most tensor bytes encoded but not yet written to a socket, over all
     *     connections; at least one chunk ({@link FrameSettings#chunkBytes()})
     */
    public ParameterClient(FrameSettings settings, String jobId, int rank, ShardRouting routing,
                           EventLoopGroup group, long maxBytesInFlight) {
        this(settings, jobId, rank, routing, group, maxBytesInFlight, Optional.empty());
    }

    /**
     * @param inProcessLoop when present, endpoints that live in this JVM are reached through Netty's
     *     in-VM transport ({@link io.larcps.proto.frame.InProcessEndpoints}) on this group, which must be
     *     the one the endpoints are bound on ({@link io.larcps.proto.frame.InProcessLoop}); others, and all
     *     when empty, over TCP
     */
    public ParameterClient(FrameSettings settings, String jobId, int rank, ShardRouting routing,
                           EventLoopGroup group, long maxBytesInFlight, Optional<EventLoopGroup> inProcessLoop) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.jobId = Objects.requireNonNull(jobId, "jobId");
        this.routing = Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(group, "group");
        if (jobId.isEmpty()) {
            throw new IllegalArgumentException("job id is empty");
        }
        if (rank < 0) {
            throw new IllegalArgumentException("rank is negative: " + rank);
        }
        if (maxBytesInFlight < settings.chunkBytes()) {
            throw new IllegalArgumentException("bytes-in-flight bound " + maxBytesInFlight
                    + " is below one chunk of " + settings.chunkBytes() + " bytes, so no chunk could ever be sent");
        }
        this.rank = rank;
        this.budget = new InFlightBudget(maxBytesInFlight);
        this.pushBuffers = new PushBuffers(settings.chunkBytes(), maxBytesInFlight);
        // Weights are decoded as they arrive, so the reads held at once stay far below the push bound.
        this.reads = new SlabReceiveAllocator(maxBytesInFlight);
        this.pending = new PendingOperations(routing, jobId);
        this.channels = new ShardChannels(routing, group, settings, pending, inProcessLoop, reads);
    }

    /**
     * Connects to every shard endpoint. Completes when all are connected; fails with a
     * {@link DataPlaneException} naming an endpoint that could not be reached.
     *
     * @throws IllegalStateException if called twice or after {@link #close()}
     */
    public CompletableFuture<Void> connect() {
        if (!state.compareAndSet(State.NEW, State.CONNECTING)) {
            throw new IllegalStateException("connect() may be called once, on a new client; this one is " + state.get());
        }
        CompletableFuture<Void> connected = new CompletableFuture<>();
        channels.connect().whenComplete((ignored, failure) -> {
            if (failure != null) {
                pending.terminate(failure);
                connected.completeExceptionally(failure);
            } else if (state.compareAndSet(State.CONNECTING, State.CONNECTED)) {
                connected.complete(null);
            } else {
                connected.completeExceptionally(closed());
            }
        });
        return connected;
    }

    /**
     * Sends this worker's gradient sums of {@code step}: every tensor as FLOAT32 GRADIENT_PUSH
     * frames of at most chunk-bytes, to the shard that owns it.
     *
     * @param gradientSums one array per tensor of the routing, in tensor-id order; read while the
     *     push runs, so the caller must not change them until the future completes
     * @param sampleCount samples the sums cover; shards divide by the step's total
     * @return completes once every frame is written to its socket (a shard's later rejection then
     *     fails the pull of version {@code step + 1})
     * @throws IllegalArgumentException naming the tensor if the arrays do not match the layout;
     *     nothing is sent
     * @throws IllegalStateException if the client is not connected
     */
    public CompletableFuture<Void> push(long step, float[][] gradientSums, long sampleCount) {
        return push(step, TensorValues.of(checkShapes("gradient sums", gradientSums)), sampleCount);
    }

    /**
     * As {@link #push(long, float[][], long)}, for sums on the heap or in direct memory; direct ones are
     * written to the sockets from where they lie, without a copy (in process they are copied: see
     * {@link TensorValues}). Either way nothing reads them once the future completes.
     */
    public CompletableFuture<Void> push(long step, TensorValues gradientSums, long sampleCount) {
        requireNonNegative("step", step);
        requireNonNegative("sample count", sampleCount);
        TensorValues tensors = checkShapes("gradient sums", gradientSums);
        requireConnected();
        return start(tensorHeader(FrameKind.GRADIENT_PUSH, step).setSampleCount(sampleCount).build(), tensors);
    }

    /**
     * Sends the initial model (version 0) as INITIAL_WEIGHTS frames; rank 0 does this once, so
     * every worker starts from the same weights. Same contract as {@link #push}.
     */
    public CompletableFuture<Void> seed(float[][] initialWeights) {
        TensorValues tensors = TensorValues.of(checkShapes("initial weights", initialWeights));
        requireConnected();
        return start(tensorHeader(FrameKind.INITIAL_WEIGHTS, 0).build(), tensors);
    }

    /**
     * Asks every shard for weight version {@code version} and copies the answer into {@code into}.
     * A shard answers when it has that version, so this also waits for the step to finish.
     *
     * @param into one array per tensor, in tensor-id order, overwritten entirely; its contents are
     *     published to the thread that observes the completion. After a failure its contents are
     *     unspecified (a chunk being copied at that moment may still land)
     * @return completes when every element of every tensor of {@code version} arrived
     * @throws IllegalArgumentException naming the tensor if the arrays do not match the layout
     * @throws IllegalStateException if the client is not connected, or while another pull runs
     */
    public CompletableFuture<Void> pull(long version, float[][] into) {
        requireNonNegative("version", version);
        float[][] targets = checkShapes("pull target", into);
        requireConnected();
        PullOperation pull = pending.startPull(version, targets);
        for (int shard = 0; shard < routing.shardCount() && !pull.future().isDone(); shard++) {
            FrameHeader header = FrameHeader.newBuilder()
                    .setKind(FrameKind.PULL_WEIGHTS)
                    .setJobId(jobId)
                    .setStep(version)
                    .setSenderRank(rank)
                    .setShard(shard)
                    .build();
            channels.send(shard, new TensorFrame(header, Unpooled.EMPTY_BUFFER), cause -> {
                if (cause != null) {
                    pull.fail(cause);
                }
            });
        }
        pull.completeIfNothingToReceive();
        return pull.future();
    }

    /**
     * Closes every connection and fails whatever is pending with an {@link IllegalStateException}.
     * Idempotent; does not wait for the sockets to close, so it is safe on an event loop.
     */
    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) != State.CLOSED) {
            pending.terminate(closed());
            channels.close();
            pushBuffers.close();
            reads.close();
        }
    }

    /** Whether every shard connection is in process (no socket), once connected. */
    public boolean inProcess() {
        return channels.allInProcess();
    }

    /** Tensor bytes encoded but not yet written to a socket right now; a gauge for metrics. */
    public long bytesInFlight() {
        return budget.inFlight();
    }

    /** The most tensor bytes ever in flight at once; never above the bound given at construction. */
    long peakBytesInFlight() {
        return budget.peak();
    }

    /** Send buffers kept for pushes of heap arrays; direct values take none. */
    int sendBuffersKept() {
        return pushBuffers.kept();
    }

    public ShardRouting routing() {
        return routing;
    }

    private CompletableFuture<Void> start(FrameHeader template, TensorValues tensors) {
        PushOperation push = new PushOperation(template, tensors, routing, channels, budget, pushBuffers, settings.chunkBytes());
        pending.startPush(push);
        return push.future();
    }

    private FrameHeader.Builder tensorHeader(FrameKind kind, long step) {
        return FrameHeader.newBuilder()
                .setKind(kind)
                .setJobId(jobId)
                .setStep(step)
                .setSenderRank(rank)
                .setDtype(DType.FLOAT32);
    }

    /** {@code tensors} when they match the layout; {@link TensorValues} is immutable, so the check holds. */
    private TensorValues checkShapes(String what, TensorValues tensors) {
        if (tensors == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (tensors.count() != routing.tensorCount()) {
            throw new IllegalArgumentException(what + " has " + tensors.count() + " tensors, the layout has "
                    + routing.tensorCount());
        }
        for (int i = 0; i < tensors.count(); i++) {
            if (tensors.length(i) != routing.elementCount(i)) {
                throw new IllegalArgumentException(what + ": " + routing.describe(i) + " has " + tensors.length(i)
                        + " elements, the layout has " + routing.elementCount(i));
            }
        }
        return tensors;
    }

    /** A copy of the outer array, so replacing an entry after the call cannot bypass the check. */
    private float[][] checkShapes(String what, float[][] tensors) {
        if (tensors == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (tensors.length != routing.tensorCount()) {
            throw new IllegalArgumentException(what + " has " + tensors.length + " tensors, the layout has "
                    + routing.tensorCount());
        }
        float[][] copy = tensors.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == null) {
                throw new IllegalArgumentException(what + ": " + routing.describe(i) + " is null");
            }
            if (copy[i].length != routing.elementCount(i)) {
                throw new IllegalArgumentException(what + ": " + routing.describe(i) + " has " + copy[i].length
                        + " elements, the layout has " + routing.elementCount(i));
            }
        }
        return copy;
    }

    private static void requireNonNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " is negative: " + value);
        }
    }

    private void requireConnected() {
        State current = state.get();
        if (current == State.CLOSED) {
            throw closed();
        }
        if (current != State.CONNECTED) {
            throw new IllegalStateException("not connected yet: wait for connect() to complete");
        }
    }

    private IllegalStateException closed() {
        return new IllegalStateException("the parameter client of job '" + jobId + "', rank " + rank + " is closed");
    }

    @Override
    public String toString() {
        return "ParameterClient{job " + jobId + ", rank " + rank + ", " + routing + '}';
    }
}
