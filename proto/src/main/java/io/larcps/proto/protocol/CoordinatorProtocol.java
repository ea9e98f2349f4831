package io.larcps.proto.protocol;

import io.larcps.proto.control.RegistrationRejected;
import io.larcps.proto.control.ShardAssignment;
import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.WorkerRegistered;
import io.larcps.proto.serialization.ControlMessage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The conversation between workers and the training coordinator. It lives here rather than nested in
 * the coordinator because the two sides are built in different modules (the server never depends on
 * the worker, nor the worker on the server): this is their wire contract.
 */
public final class CoordinatorProtocol {

    /** Workers find the coordinator (a cluster singleton that may move) through the receptionist. */
    public static final ServiceKey<Request> SERVICE_KEY = ServiceKey.create(Request.class, "larcps-coordinator");

    private CoordinatorProtocol() {
    }

    /** What any node may send the coordinator. */
    public interface Request extends ControlMessage {
    }

    /** A worker asks to join a job; answered with {@link Registered} or {@link Rejected}. */
    public record RegisterWorker(io.larcps.proto.control.RegisterWorker registration, ActorRef<WorkerEvent> replyTo)
            implements Request {
    }

    /**
     * A worker holds the job's final weights. The job is complete once every worker has said so, so a
     * node that hosts shards does not leave while a worker still pulls from it.
     */
    public record WorkerDone(String jobId, int rank) implements Request {
    }

    /** What the coordinator tells a worker. */
    public sealed interface WorkerEvent extends ControlMessage
            permits Registered, Rejected, StepPlanned, Rewound, JobFinished, JobFailed {
    }

    /**
     * The worker is in: its rank, and where each tensor's shard listens. Sent once every expected
     * worker has registered and every shard is ready; rank 0 then seeds the shards with its initial
     * weights and every worker pulls version 0.
     */
    public record Registered(WorkerRegistered registered, ShardAssignment assignment) implements WorkerEvent {
    }

    /** The worker is refused, with the reason (layout differs, unknown job, job full...). */
    public record Rejected(RegistrationRejected rejected) implements WorkerEvent {
    }

    /** Step {@code plan.step} may start once the worker holds weights of that version. */
    public record StepPlanned(StepPlan plan) implements WorkerEvent {
    }

    /**
     * A shard was lost and every shard is back at version {@code version} of the last checkpoint, served
     * where {@code assignment} says: drop the step under way, connect anew, pull that version, and run
     * the steps from there again (their plans follow).
     */
    public record Rewound(String jobId, long version, ShardAssignment assignment) implements WorkerEvent {
    }

    /** The job ran all its steps; the weights of version {@code steps} are final. */
    public record JobFinished(String jobId, long steps) implements WorkerEvent {
    }

    /** The job cannot go on; {@code reason} says why in a sentence. */
    public record JobFailed(String jobId, String reason) implements WorkerEvent {
    }
}
