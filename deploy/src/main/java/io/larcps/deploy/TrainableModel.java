package io.larcps.deploy;

import io.larcps.proto.control.TensorLayout;
import io.larcps.worker.GradientSource;
import java.io.IOException;
import java.nio.file.Path;

/** A model with its data, as {@code larcps train} needs it: sources for the workers, evaluation, export. */
interface TrainableModel {

    /** Test loss (mean cross-entropy) and accuracy. */
    record Evaluation(double loss, double accuracy) {
    }

    String name();

    TensorLayout layout();

    /** Training-set size: one epoch. */
    long trainingSize();

    /** A fresh gradient source for one worker (sources are not shared between threads). */
    GradientSource newSource(int batchPerWorker);

    /** Evaluates weights on the held-out set. */
    Evaluation evaluate(float[][] weights);

    /** Saves the trained model in its framework's format, if it has one; returns the file or null. */
    Path save(float[][] weights, Path directory) throws IOException;
}
