package io.larcps.server.optim;

/**
 * The learning rate as a function of the step (0-based). The coordinator evaluates it and carries the
 * value in each step plan, so every shard steps with the same rate.
 */
public sealed interface LearningRateSchedule
        permits LearningRateSchedule.Constant, LearningRateSchedule.Warmup, LearningRateSchedule.Polynomial,
                LearningRateSchedule.Cosine, LearningRateSchedule.StepDecay {

    double at(long step);

    /** The same rate every step. */
    record Constant(double rate) implements LearningRateSchedule {
        public Constant {
            requireRate("rate", rate);
        }

        @Override
        public double at(long step) {
            return rate;
        }
    }

    /**
     * Linear warmup from {@code rate/warmupSteps} to the rate of {@code after} at step {@code warmupSteps}
     * (Goyal et al.'s gradual warmup), then {@code after} unchanged: its decay starts at step 0, so the
     * warmup replaces its first steps rather than delaying it.
     */
    record Warmup(long warmupSteps, LearningRateSchedule after) implements LearningRateSchedule {
        public Warmup {
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
            }
            if (after == null) {
                throw new IllegalArgumentException("warmup needs the schedule that follows it, got null");
            }
        }

        @Override
        public double at(long step) {
            if (step >= warmupSteps) {
                return after.at(step);
            }
            return after.at(warmupSteps) * (step + 1) / warmupSteps;
        }
    }

    /** {@code end + (peak - end) * (1 - step/totalSteps)^power}, then {@code end} from totalSteps on. */
    record Polynomial(double peak, double end, long totalSteps, double power) implements LearningRateSchedule {
        public Polynomial {
            requireRate("peak", peak);
            requireRate("end", end);
            requirePositive("totalSteps", totalSteps);
            if (!(power > 0) || Double.isInfinite(power)) {
                throw new IllegalArgumentException("power must be a finite number > 0, got " + power);
            }
        }

        @Override
        public double at(long step) {
            double remaining = 1 - Math.min(step, totalSteps) / (double) totalSteps;
            return end + (peak - end) * Math.pow(remaining, power);
        }
    }

    /** Half a cosine from {@code peak} down to {@code end} over {@code totalSteps}, then {@code end}. */
    record Cosine(double peak, double end, long totalSteps) implements LearningRateSchedule {
        public Cosine {
            requireRate("peak", peak);
            requireRate("end", end);
            requirePositive("totalSteps", totalSteps);
        }

        @Override
        public double at(long step) {
            double progress = Math.min(step, totalSteps) / (double) totalSteps;
            return end + (peak - end) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
    }

    /** {@code peak * gamma^floor(step / stepSize)}: the classic ResNet drop every few epochs. */
    record StepDecay(double peak, long stepSize, double gamma) implements LearningRateSchedule {
        public StepDecay {
            requireRate("peak", peak);
            requirePositive("stepSize", stepSize);
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
            }
        }

        @Override
        public double at(long step) {
            return peak * Math.pow(gamma, Math.floorDiv(step, stepSize));
        }
    }

    private static void requireRate(String name, double rate) {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException(name + " must be a finite learning rate >= 0, got " + rate);
        }
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }
}
