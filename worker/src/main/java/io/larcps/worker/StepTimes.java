package io.larcps.worker;

import java.util.function.LongSupplier;

/**
 * Where a worker's time went over its steps: computing gradients; pushing them (until the last
 * chunk is written to its socket); pulling the new weights (from then until every tensor of the next
 * version is held, so this includes the shards' sum and optimizer step); and waiting (from holding a
 * version until the compute thread starts on it: for the coordinator's plan, the worker actor, and
 * the compute thread to wake up). The split says what a faster model, network or server would buy.
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

    /**
     * One step's instants. A step may be started before the weights it needs are held (the worker
     * queues it behind the step before); the instants after that are set on the compute thread and
     * the data plane's, and read after the step completed.
     */
    static final class Step {
        private final LongSupplier clock;
        final long started;
        private volatile long computing;
        private volatile long computed;
        private volatile long pushed;
        private volatile long pulled;

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

        /** Every tensor of the next version is held. */
        void pulled() {
            pulled = clock.getAsLong();
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
        /** When the weights of the last finished step were held; meaningless before the first. */
        private long lastPulled;

        Accumulator() {
            this(System::nanoTime);
        }

        /** @param clock nanoseconds, monotonic */
        Accumulator(LongSupplier clock) {
            this.clock = clock;
        }

        Step start() {
            return new Step(clock);
        }

        /**
         * Counts a step whose weights are held; steps finish in order. Its wait runs from the previous
         * step's weights (the first step: from its start) to its compute, so the gaps between steps
         * count whether the step was started before those weights were held or after.
         *
         * @return the step's own split
         */
        StepTimes finish(Step step) {
            long pulled = step.pulled != 0 ? step.pulled : clock.getAsLong();
            long ready = steps > 0 ? lastPulled : step.started;
            long stepWaiting = 0;
            long stepCompute = 0;
            long stepPush = 0;
            long stepPull;
            if (step.computed != 0) {
                stepWaiting = step.computing - ready;
                stepCompute = step.computed - step.computing;
                stepPush = step.pushed - step.computed;
                stepPull = pulled - step.pushed;
            } else {
                // Not a participant of this step: nothing was computed or pushed, it only pulled.
                stepPull = pulled - ready;
            }
            waiting += stepWaiting;
            compute += stepCompute;
            push += stepPush;
            pull += stepPull;
            steps++;
            lastPulled = pulled;
            return new StepTimes(1, stepCompute / 1e9, stepPush / 1e9, stepPull / 1e9, stepWaiting / 1e9);
        }

        StepTimes total() {
            return new StepTimes(steps, compute / 1e9, push / 1e9, pull / 1e9, waiting / 1e9);
        }
    }
}
