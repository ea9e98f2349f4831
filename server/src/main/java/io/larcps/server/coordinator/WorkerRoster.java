package io.larcps.server.coordinator;

import io.larcps.proto.control.RegisterWorker;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.protocol.CoordinatorProtocol.WorkerEvent;
import org.apache.pekko.actor.typed.ActorRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The workers of a job, by rank: who may join, with which model, and where each one listens. Ranks
 * follow registration order; a worker that registers again (a restart, a lost reply) keeps its rank.
 */
final class WorkerRoster {

    private final JobSpec job;
    private final List<String> workerIds = new ArrayList<>();
    private final List<ActorRef<WorkerEvent>> replyTos = new ArrayList<>();
    private TensorLayout layout;

    WorkerRoster(JobSpec job) {
        this.job = job;
    }

    /**
     * Why this registration is refused, or empty.
     *
     * @param admitting whether new workers may still join (only before the job starts)
     */
    Optional<String> refusal(RegisterWorker registration, boolean admitting) {
        if (!registration.getJobId().equals(job.jobId())) {
            return Optional.of("unknown job '" + registration.getJobId() + "'; this coordinator runs '" + job.jobId() + "'");
        }
        if (registration.getBatchSize() != job.batchPerWorker()) {
            return Optional.of("the worker's batch is " + registration.getBatchSize() + ", the job needs "
                    + job.batchPerWorker() + " (global batch " + job.globalBatch() + " over " + job.workers() + " workers)");
        }
        Optional<String> problem = LayoutCheck.problem(registration.getLayout());
        if (problem.isPresent()) {
            return problem;
        }
        if (layout != null) {
            Optional<String> difference = LayoutCheck.firstDifference(layout, registration.getLayout());
            if (difference.isPresent()) {
                return Optional.of("the worker's model differs from the job's: " + difference.get());
            }
        }
        if (rankOf(registration.getWorkerId()) < 0 && !admitting) {
            return Optional.of("job " + job.jobId() + " already has its " + job.workers() + " workers");
        }
        return Optional.empty();
    }

    /** Admits a worker that {@link #refusal} let through; returns its rank. */
    int admit(RegisterWorker registration, ActorRef<WorkerEvent> replyTo) {
        int rank = rankOf(registration.getWorkerId());
        if (rank >= 0) {
            replyTos.set(rank, replyTo);
            return rank;
        }
        if (layout == null) {
            layout = registration.getLayout();
        }
        workerIds.add(registration.getWorkerId());
        replyTos.add(replyTo);
        return workerIds.size() - 1;
    }

    int rankOf(String workerId) {
        return workerIds.indexOf(workerId);
    }

    boolean full() {
        return workerIds.size() == job.workers();
    }

    int size() {
        return workerIds.size();
    }

    /** The job's model, as the first worker reported it. */
    TensorLayout layout() {
        return layout;
    }

    ActorRef<WorkerEvent> replyTo(int rank) {
        return replyTos.get(rank);
    }

    /** Tells every worker the same event. */
    void tellAll(WorkerEvent event) {
        replyTos.forEach(replyTo -> replyTo.tell(event));
    }
}
