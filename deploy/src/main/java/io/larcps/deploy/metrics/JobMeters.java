package io.larcps.deploy.metrics;

import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.coordinator.TrainingCoordinator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The coordinator's view of a job as meters: steps completed and the time between them, the
 * scheduled learning rate, contributions refused for NaN or infinity, and each tensor's LARC factor
 * (its local learning rate over the global one) at the latest step.
 *
 * <p>Fed from one thread (the coordinator's listener); read by scrapes from another, hence the
 * atomic holders behind the gauges.
 */
public final class JobMeters {
    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter steps;
    private final Counter poisoned;
    private final Timer stepTime;
    private final AtomicLong learningRateBits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final Map<Integer, AtomicLong> factorBits = new ConcurrentHashMap<>();
    private final boolean timesSteps;
    private long lastCompletionNanos = Long.MIN_VALUE;

    public JobMeters(MeterRegistry registry, JobSpec job) {
        this.registry = registry;
        this.tags = Tags.of("job", job.jobId());
        // An asynchronous job completes several steps at once whenever its slowest worker moves on.
        this.timesSteps = !job.asynchronous();
        this.steps = Counter.builder("larcps.job.steps")
                .description("Steps applied on every shard; after a rollback to a checkpoint the replayed steps count again")
                .tags(tags).register(registry);
        this.poisoned = Counter.builder("larcps.job.poisoned.contributions")
                .description("Workers' contributions to a tensor left out of a step for NaN or infinity")
                .tags(tags).register(registry);
        this.stepTime = Timer.builder("larcps.job.step")
                .description("From one step's completion to the next one's, as the coordinator sees them "
                        + "(synchronous jobs)")
                .tags(tags).register(registry);
        Gauge.builder("larcps.job.learning.rate", learningRateBits, bits -> Double.longBitsToDouble(bits.get()))
                .description("The schedule's learning rate of the latest completed step")
                .tags(tags).register(registry);
    }

    /** Records a completed step; call in step order. */
    public void stepCompleted(TrainingCoordinator.StepCompleted step) {
        long now = System.nanoTime();
        if (timesSteps && lastCompletionNanos != Long.MIN_VALUE) {
            stepTime.record(now - lastCompletionNanos, TimeUnit.NANOSECONDS);
        }
        lastCompletionNanos = now;
        steps.increment();
        poisoned.increment(step.poisonedContributions());
        learningRateBits.set(Double.doubleToLongBits(step.learningRate()));
        List<Double> factors = step.trustFactors();
        for (int tensor = 0; tensor < factors.size(); tensor++) {
            Double factor = factors.get(tensor);
            if (factor != null) {
                factorBits.computeIfAbsent(tensor, this::registerFactor).set(Double.doubleToLongBits(factor));
            }
        }
    }

    private AtomicLong registerFactor(int tensor) {
        AtomicLong bits = new AtomicLong();
        Gauge.builder("larcps.tensor.trust.factor", bits, held -> Double.longBitsToDouble(held.get()))
                .description("A tensor's LARC factor at the latest step: its local learning rate over the global one")
                .tags(tags.and("tensor", Integer.toString(tensor)))
                .register(registry);
        return bits;
    }
}
