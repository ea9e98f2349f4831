package io.larcps.server.coordinator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which worker may run which step in asynchronous mode (stale-synchronous parallel): each worker has a
 * clock, the number of its steps every shard has applied, and may start its next step only while that
 * step is at most {@code staleness} ahead of the slowest worker's clock. Staleness 0 is lock-step.
 */
final class AsynchronousClocks {
    private final long[] completed;
    private final boolean[] running;
    private final long staleness;
    private final long steps;

    AsynchronousClocks(int workers, long staleness, long steps) {
        this.completed = new long[workers];
        this.running = new boolean[workers];
        this.staleness = staleness;
        this.steps = steps;
    }

    /** The step {@code rank} runs next. */
    long next(int rank) {
        return completed[rank];
    }

    void started(int rank) {
        running[rank] = true;
    }

    boolean inFlight(int rank, long step) {
        return rank >= 0 && rank < completed.length && running[rank] && completed[rank] == step;
    }

    void finished(int rank) {
        running[rank] = false;
        completed[rank]++;
    }

    /** Steps every worker has completed. */
    long slowest() {
        return Arrays.stream(completed).min().orElse(0);
    }

    boolean allDone() {
        return slowest() == steps;
    }

    /** Idle workers with steps left whose next step is within the staleness bound. */
    List<Integer> startable() {
        long slowest = slowest();
        List<Integer> ranks = new ArrayList<>();
        for (int rank = 0; rank < completed.length; rank++) {
            if (!running[rank] && completed[rank] < steps && completed[rank] - slowest <= staleness) {
                ranks.add(rank);
            }
        }
        return ranks;
    }
}
