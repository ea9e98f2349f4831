package io.larcps.bench.round;

import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.TensorLayout;
import io.larcps.worker.GradientSource;
import io.larcps.worker.transport.TensorValues;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A gradient source that costs nothing per step: the gradient sums are drawn once (seeded Gaussian,
 * finite) and handed back for every step, so a round measures only the parameter-server path. It
 * reports the moment each step starts to a {@link Listener}.
 *
 * <p>The sums lie in direct memory by default, as a DL4J network's gradients do, so pushes send them
 * without a copy; {@link Memory#HEAP} keeps them in {@code float[]}s, which pushes copy into their
 * send buffers (for comparison).
 */
public final class InstantGradients implements GradientSource {
    /** The system property a round's child JVMs read {@link Memory} from: {@code direct} or {@code heap}. */
    public static final String MEMORY_PROPERTY = "larcps.bench.gradient-memory";

    /** Where the sums lie. */
    public enum Memory {
        DIRECT, HEAP;

        /** From {@link #MEMORY_PROPERTY}, DIRECT when unset. */
        public static Memory fromSystemProperty() {
            String value = System.getProperty(MEMORY_PROPERTY, "direct");
            try {
                return valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(MEMORY_PROPERTY + " must be direct or heap, got '" + value + "'", e);
            }
        }
    }

    /** Weights N(0, 0.05), as the optimizer benchmark's. */
    public static final double WEIGHT_STD = 0.05;
    /** A per-sample gradient of N(0, 1e-3), times the samples behind a sum. */
    public static final double GRADIENT_STD = 1e-3;

    /** Hears each step start: {@code nanos} from {@link System#nanoTime()}. */
    public interface Listener {
        void stepStarted(int worker, long step, long nanos);
    }

    private final TensorLayout layout;
    private final int[] sizes;
    private final int worker;
    private final long seed;
    private final int samples;
    private final TensorValues sums;
    private final Listener listener;

    /**
     * @param worker this source's index, reported with each step (not the rank, which the coordinator assigns)
     * @param samples the samples each sum stands for (the worker's batch)
     */
    public InstantGradients(TensorLayout layout, int worker, long seed, int samples, Memory memory, Listener listener) {
        this.layout = layout;
        this.sizes = ModelLayout.sizes(layout);
        this.worker = worker;
        this.seed = seed;
        this.samples = samples;
        this.listener = listener;
        float[][] drawn = gaussian(sizes, new SplittableRandom(seed * 31 + worker + 1), GRADIENT_STD * samples);
        this.sums = memory == Memory.HEAP ? TensorValues.of(drawn) : direct(drawn);
    }

    private static TensorValues direct(float[][] values) {
        ByteBuffer[] buffers = new ByteBuffer[values.length];
        for (int t = 0; t < values.length; t++) {
            buffers[t] = ByteBuffer.allocateDirect(values[t].length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buffers[t].asFloatBuffer().put(values[t]);
        }
        return TensorValues.direct(buffers);
    }

    static float[][] gaussian(int[] sizes, SplittableRandom random, double std) {
        float[][] values = new float[sizes.length][];
        for (int t = 0; t < sizes.length; t++) {
            values[t] = new float[sizes[t]];
            for (int i = 0; i < sizes[t]; i++) {
                values[t][i] = (float) (random.nextGaussian() * std);
            }
        }
        return values;
    }

    @Override
    public TensorLayout layout() {
        return layout;
    }

    /** Drawn on each call (only rank 0 asks, once), so no copy is kept. */
    @Override
    public float[][] initialWeights() {
        return gaussian(sizes, new SplittableRandom(seed), WEIGHT_STD);
    }

    @Override
    public Contribution compute(float[][] weights, StepPlan plan, int participantIndex) {
        listener.stepStarted(worker, plan.getStep(), System.nanoTime());
        return new Contribution(sums, samples);
    }
}
