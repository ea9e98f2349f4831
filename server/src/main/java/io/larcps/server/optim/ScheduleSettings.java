package io.larcps.server.optim;

import com.typesafe.config.Config;
import java.util.Locale;

/**
 * A learning-rate schedule as users describe it: a base rate at a reference batch scaled linearly to
 * the global batch (Goyal et al.), an optional linear warmup, then a decay.
 *
 * @param decay one of {@code constant}, {@code polynomial}, {@code cosine}, {@code step}
 * @param baseRate the learning rate at {@code referenceBatch}
 * @param referenceBatch the batch {@code baseRate} was tuned for (256 in the study)
 * @param globalBatch the batch this run trains with
 * @param warmupSteps steps of linear warmup to the scaled rate; 0 for none
 * @param totalSteps the run's length, for polynomial and cosine decay
 * @param endRate the rate polynomial and cosine decay end at
 * @param power the polynomial's exponent (2 in MLPerf's LARS runs)
 * @param stepSize steps between drops, for step decay
 * @param gamma the factor of each drop, for step decay
 */
public record ScheduleSettings(
        String decay,
        double baseRate,
        int referenceBatch,
        int globalBatch,
        long warmupSteps,
        long totalSteps,
        double endRate,
        double power,
        long stepSize,
        double gamma) {

    public ScheduleSettings {
        if (decay == null) {
            throw new IllegalArgumentException("decay must be one of constant, polynomial, cosine, step; got null");
        }
        decay = decay.toLowerCase(Locale.ROOT);
        if (referenceBatch <= 0) {
            throw new IllegalArgumentException("referenceBatch must be > 0, got " + referenceBatch);
        }
        if (globalBatch <= 0) {
            throw new IllegalArgumentException("globalBatch must be > 0, got " + globalBatch);
        }
    }

    /**
     * Reads a {@code larcps.schedule} section for a run of {@code totalSteps} at {@code globalBatch}
     * (keys documented in the server's reference.conf).
     */
    public static ScheduleSettings fromConfig(Config section, int globalBatch, long totalSteps) {
        return new ScheduleSettings(section.getString("decay"), section.getDouble("base-rate"),
                section.getInt("reference-batch"), globalBatch, section.getLong("warmup-steps"), totalSteps,
                section.getDouble("end-rate"), section.getDouble("power"), section.getLong("step-size"),
                section.getDouble("gamma"));
    }

    /** The linear scaling rule: the peak rate is {@code baseRate * globalBatch / referenceBatch}. */
    public double scaledRate() {
        return baseRate * globalBatch / referenceBatch;
    }

    /** Builds the schedule; an unknown decay name or a bad value fails with the parameter's name. */
    public LearningRateSchedule toSchedule() {
        double peak = scaledRate();
        LearningRateSchedule decaying = switch (decay) {
            case "constant" -> new LearningRateSchedule.Constant(peak);
            case "polynomial" -> new LearningRateSchedule.Polynomial(peak, endRate, totalSteps, power);
            case "cosine" -> new LearningRateSchedule.Cosine(peak, endRate, totalSteps);
            case "step" -> new LearningRateSchedule.StepDecay(peak, stepSize, gamma);
            default -> throw new IllegalArgumentException(
                    "decay must be one of constant, polynomial, cosine, step; got '" + decay + "'");
        };
        return warmupSteps == 0 ? decaying : new LearningRateSchedule.Warmup(warmupSteps, decaying);
    }
}
