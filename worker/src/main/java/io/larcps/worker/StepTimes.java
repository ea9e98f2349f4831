package io.larcps.worker;

import java.util.function.LongSupplier;

/**
 * Where a worker's time went over its steps: computing gradients; pushing them (until the last
 * chunk is written to its socket); pulling the new weights (from then until every tensor of the next
 * version is held, so this includes the shards' sum and optimizer step); and waiting (for the
 * coordinator's plan of the next step, and for the compute thread to pick the step up). The split
 * says what a faster model, network or server would buy.
 *
 * @param steps steps counted
 */
public record StepTimes(long steps, double computeSeconds, double pushSeconds, double pullSeconds,
                        double waitingSeconds) {

    /** All the time counted. */
    public double totalSeconds() {
        return computeSeconds + exchangeSeconds() + waitingSeconds;
    }

    /** Pushing and pulling: the time the parameter server costs a step. */
    public double exchangeSeconds() {
        return pushSeconds + pullSeconds;
    }

    /** One step's instants; compute instants are set on the compute thread, read after it completed. */
    static final class Step {
        private final LongSupplier clock;
        final long started;
        private volatile long computing;
        private volatile long computed;
        private volatile long pushed;

        private Step(LongSupplier clock) {
            this.clock = clock;
            this.started = clock.getAsLong();
        }

        void computing() {
            computing = clock.getAsLong();
        }

        void computed() {
            computed = clock.getAsLong();
        }

        void pushed() {
            pushed = clock.getAsLong();
        }
    }

    /** Sums steps as they finish. Confined to the worker actor. */
    static final class Accumulator {
        private final LongSupplier clock;
        private long steps;
        private long compute;
        private long push;
        private long pull;
        private long waiting;
        private long lastFinished;

        Accumulator() {
            this(System::nanoTime);
        }

        /** @param clock nanoseconds, monotonic */
        Accumulator(LongSupplier clock) {
            this.clock = clock;
        }

        Step start() {
            Step step = new Step(clock);
            if (steps > 0) {
                waiting += step.started - lastFinished;
            }
            return step;
        }

        void finish(Step step) {
            long now = clock.getAsLong();
            if (step.computed != 0) {
                waiting += step.computing - step.started;
                compute += step.computed - step.computing;
                push += step.pushed - step.computed;
                pull += now - step.pushed;
            } else {
                // Not a participant of this step: nothing was computed or pushed, it only pulled.
                pull += now - step.started;
            }
            steps++;
            lastFinished = now;
        }

        StepTimes total() {
            return new StepTimes(steps, compute / 1e9, push / 1e9, pull / 1e9, waiting / 1e9);
        }
    }
}
