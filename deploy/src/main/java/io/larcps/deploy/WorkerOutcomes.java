package io.larcps.deploy;

import io.larcps.worker.Worker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Collects the outcome of every worker actor of this process. */
final class WorkerOutcomes {
    private final ActorRef<Worker.Outcome> ref;
    private final CompletableFuture<List<Worker.Finished>> all;

    private WorkerOutcomes(ActorRef<Worker.Outcome> ref, CompletableFuture<List<Worker.Finished>> all) {
        this.ref = ref;
        this.all = all;
    }

    static WorkerOutcomes spawn(ActorSystem<?> system, int workers) {
        return spawn(system, workers, reached -> { });
    }

    /** @param onReached called (on the collector's thread) with rank 0's periodic weight copies */
    static WorkerOutcomes spawn(ActorSystem<?> system, int workers, Consumer<Worker.Reached> onReached) {
        CompletableFuture<List<Worker.Finished>> all = new CompletableFuture<>();
        List<Worker.Finished> finished = new ArrayList<>();
        ActorRef<Worker.Outcome> ref = system.systemActorOf(Behaviors.receiveMessage(outcome -> {
            if (outcome instanceof Worker.Reached reached) {
                onReached.accept(reached);
            } else if (outcome instanceof Worker.GaveUp gaveUp) {
                all.completeExceptionally(new IllegalStateException(gaveUp.reason()));
            } else if (outcome instanceof Worker.Finished done) {
                finished.add(done);
                if (finished.size() == workers) {
                    finished.sort(Comparator.comparingInt(Worker.Finished::rank));
                    all.complete(List.copyOf(finished));
                }
            }
            return Behaviors.same();
        }), "worker-outcomes", Props.empty());
        return new WorkerOutcomes(ref, all);
    }

    ActorRef<Worker.Outcome> ref() {
        return ref;
    }

    /** The lowest rank's result once every worker finished; throws with the reason if one gave up. */
    Worker.Finished await() {
        try {
            return all.join().get(0);
        } catch (java.util.concurrent.CompletionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }
}
