package io.larcps.deploy;

import io.larcps.server.coordinator.TrainingCoordinator;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Hears the coordinator's events: hands each completed step on, says on standard output when the job
 * rolls back to a checkpoint (the steps after it are then reported again), and completes when the job
 * is done.
 */
final class JobProgress {
    private final ActorRef<TrainingCoordinator.Event> listener;
    private final CompletableFuture<Long> completed;

    private JobProgress(ActorRef<TrainingCoordinator.Event> listener, CompletableFuture<Long> completed) {
        this.listener = listener;
        this.completed = completed;
    }

    /** @param onStep called on the listener's thread for every completed step, in order */
    static JobProgress spawn(ActorSystem<?> system, Consumer<TrainingCoordinator.StepCompleted> onStep) {
        CompletableFuture<Long> completed = new CompletableFuture<>();
        ActorRef<TrainingCoordinator.Event> listener = system.systemActorOf(
                Behaviors.<TrainingCoordinator.Event>receiveMessage(event -> {
                    if (event instanceof TrainingCoordinator.StepCompleted step) {
                        onStep.accept(step);
                    } else if (event instanceof TrainingCoordinator.JobCompleted done) {
                        completed.complete(done.steps());
                    } else if (event instanceof TrainingCoordinator.JobResumed resumed) {
                        System.out.printf("job resumes from its checkpoint of version %d in %s%n", resumed.version(),
                                resumed.directory());
                    } else if (event instanceof TrainingCoordinator.JobRewound rewound) {
                        System.out.printf("job rewound to version %d: %s%n", rewound.version(), rewound.reason());
                    } else if (event instanceof TrainingCoordinator.JobAborted aborted) {
                        completed.completeExceptionally(new IllegalStateException(aborted.reason()));
                    }
                    return Behaviors.same();
                }), "job-progress", Props.empty());
        return new JobProgress(listener, completed);
    }

    ActorRef<TrainingCoordinator.Event> listener() {
        return listener;
    }

    /** Blocks until every worker holds the final weights; returns the number of steps. Throws if the job aborted. */
    long awaitCompletion() {
        try {
            return completed.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new IllegalStateException("the job failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
