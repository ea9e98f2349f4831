package io.larcps.deploy.cli;

import io.larcps.server.optim.ScheduleSettings;
import picocli.CommandLine.Option;

/** The learning-rate schedule, as flags; validated by {@link ScheduleSettings}. */
public final class ScheduleOptions {

    @Option(names = "--base-lr", defaultValue = "0.1",
            description = "Learning rate at the reference batch; the peak rate is base-lr * global-batch / "
                    + "reference-batch (linear scaling rule); default ${DEFAULT-VALUE}.")
    double baseRate;

    @Option(names = "--reference-batch", defaultValue = "256",
            description = "The batch --base-lr was tuned for; default ${DEFAULT-VALUE}.")
    int referenceBatch;

    @Option(names = "--warmup-steps", defaultValue = "0",
            description = "Steps of linear warmup to the peak rate; default ${DEFAULT-VALUE}.")
    long warmupSteps;

    @Option(names = "--decay", defaultValue = "cosine",
            description = "constant, polynomial, cosine or step; default ${DEFAULT-VALUE}.")
    String decay;

    @Option(names = "--end-lr", defaultValue = "0", description = "Rate polynomial/cosine decay ends at; default ${DEFAULT-VALUE}.")
    double endRate;

    @Option(names = "--power", defaultValue = "2", description = "Exponent of polynomial decay; default ${DEFAULT-VALUE}.")
    double power;

    @Option(names = "--step-size", defaultValue = "1000", description = "Steps between drops of step decay; default ${DEFAULT-VALUE}.")
    long stepSize;

    @Option(names = "--gamma", defaultValue = "0.1", description = "Factor of each step-decay drop; default ${DEFAULT-VALUE}.")
    double gamma;

    public ScheduleSettings settings(int globalBatch, long totalSteps) {
        ScheduleSettings settings = new ScheduleSettings(decay, baseRate, referenceBatch, globalBatch, warmupSteps,
                totalSteps, endRate, power, stepSize, gamma);
        settings.toSchedule();
        return settings;
    }
}
