package io.larcps.server.optim;

import java.util.ArrayList;
import java.util.List;

/** Replays a golden case through the optimizer and lists every value outside the tolerance. */
final class GoldenRunner {
    /** The README's tolerance for a float32 implementation. */
    static final double RELATIVE = 1e-4;
    static final double ABSOLUTE = 1e-6;

    /** One value as computed, with where it sits in the trajectory. */
    record Value(String where, float got) {
    }

    private GoldenRunner() {
    }

    static boolean within(double got, double want) {
        return Math.abs(got - want) <= RELATIVE * Math.abs(want) + ABSOLUTE;
    }

    /** Runs the case and returns, in trajectory order, every value the expectations name. */
    static List<Value> run(GoldenTrajectories.Case golden, UpdateKernel kernel) {
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(golden.hyper().settings(), kernel);
        List<TensorState> tensors = new ArrayList<>();
        for (int t = 0; t < golden.init().size(); t++) {
            tensors.add(TensorState.of("tensor" + t, golden.init().get(t).clone()));
        }
        List<Value> values = new ArrayList<>();
        for (int step = 0; step < golden.grads().size(); step++) {
            List<float[]> grads = golden.grads().get(step);
            if (grads.size() != tensors.size()) {
                throw new IllegalStateException(golden.name() + " step " + step + ": " + grads.size()
                        + " gradients for " + tensors.size() + " tensors");
            }
            for (int t = 0; t < tensors.size(); t++) {
                optimizer.step(tensors.get(t), grads.get(t), 1f, golden.hyper().lr());
            }
            GoldenTrajectories.Expected expected = golden.expect().get(step);
            for (int t = 0; t < tensors.size(); t++) {
                collect(values, step, t, "params", tensors.get(t).weights(), expected.params().get(t).length);
                if (expected.momentum() != null) {
                    float[] momentum = tensors.get(t).momentum();
                    if (momentum == null) {
                        throw new AssertionError(golden.name() + " step " + step + " tensor " + t
                                + ": a momentum buffer was expected, the optimizer has none");
                    }
                    collect(values, step, t, "momentum", momentum, expected.momentum().get(t).length);
                } else if (tensors.get(t).momentum() != null) {
                    throw new AssertionError(golden.name() + " step " + step + " tensor " + t
                            + ": no momentum buffer was expected, the optimizer has one");
                }
            }
        }
        return values;
    }

    /** Every expected value of the case, in the same order as {@link #run}. */
    static List<Float> expected(GoldenTrajectories.Case golden) {
        List<Float> values = new ArrayList<>();
        for (GoldenTrajectories.Expected step : golden.expect()) {
            for (int t = 0; t < step.params().size(); t++) {
                add(values, step.params().get(t));
                if (step.momentum() != null) {
                    add(values, step.momentum().get(t));
                }
            }
        }
        return values;
    }

    private static void collect(List<Value> into, int step, int tensor, String what, float[] got, int expectedLength) {
        if (got.length != expectedLength) {
            throw new AssertionError("step " + step + " tensor " + tensor + " " + what + ": " + got.length
                    + " values, expected " + expectedLength);
        }
        for (int i = 0; i < got.length; i++) {
            into.add(new Value("step " + step + " tensor " + tensor + " " + what + "[" + i + "]", got[i]));
        }
    }

    private static void add(List<Float> into, float[] values) {
        for (float v : values) {
            into.add(v);
        }
    }
}
