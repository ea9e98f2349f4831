package io.larcps.deploy;

import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.coordinator.TrainingCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Hears the coordinator's events: prints progress lines and completes when the job is done. */
final class JobProgress {
    private final ActorRef<TrainingCoordinator.Event> listener;
    private final CompletableFuture<Long> completed;

    private JobProgress(ActorRef<TrainingCoordinator.Event> listener, CompletableFuture<Long> completed) {
        this.listener = listener;
        this.completed = completed;
    }

    static JobProgress spawn(ActorSystem<?> system, JobSpec job) {
        CompletableFuture<Long> completed = new CompletableFuture<>();
        long every = Math.max(1, Math.min(job.stepsPerEpoch(), job.totalSteps() / 20 + 1));
        long started = System.nanoTime();
        Behavior<TrainingCoordinator.Event> behavior = Behaviors.receiveMessage(event -> {
            if (event instanceof TrainingCoordinator.StepCompleted step) {
                long done = step.step() + 1;
                if (done % every == 0 || done == job.totalSteps()) {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    System.out.printf("step %d/%d (epoch %d) lr %.4g, %.1f steps/s%s%n", done, job.totalSteps(),
                            step.step() / job.stepsPerEpoch(), step.learningRate(), done / seconds,
                            step.poisonedContributions() > 0 ? ", " + step.poisonedContributions() + " gradients refused (NaN/Inf)" : "");
                }
            } else if (event instanceof TrainingCoordinator.JobCompleted done) {
                System.out.printf("job %s completed: %d steps in %.1f s%n", job.jobId(), done.steps(),
                        (System.nanoTime() - started) / 1e9);
                completed.complete(done.steps());
            }
            return Behaviors.same();
        });
        return new JobProgress(system.systemActorOf(behavior, "job-progress", Props.empty()), completed);
    }

    ActorRef<TrainingCoordinator.Event> listener() {
        return listener;
    }

    long awaitCompletion() {
        return completed.join();
    }
}
