package io.larcps.worker.model;

import io.larcps.proto.control.StepPlan;
import io.larcps.worker.GradientSource;
import io.larcps.worker.data.EpochSampler;
import io.larcps.worker.data.FashionMnist;
import io.larcps.worker.data.LabelledImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Data and step plans shared by the model tests. */
final class TestData {
    private static LabelledImages fashionTrain;
    private static LabelledImages fashionTest;

    private TestData() {
    }

    /** Random images whose pixel statistics depend on the class, so a network can tell them apart a little. */
    static LabelledImages random(int count, int channels, int height, int width, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int size = channels * height * width;
        byte[] pixels = new byte[count * size];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(classes);
            int bright = 40 + 20 * labels[i];
            for (int p = 0; p < size; p++) {
                pixels[i * size + p] = (byte) Math.min(255, random.nextInt(bright + 1) + (p % (labels[i] + 2)) * 10);
            }
        }
        return new LabelledImages(count, channels, height, width, pixels, labels, classes);
    }

    static synchronized LabelledImages fashionTrain() {
        if (fashionTrain == null) {
            try {
                fashionTrain = FashionMnist.train(FashionMnist.DEFAULT_DIRECTORY);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fashionTrain;
    }

    static synchronized LabelledImages fashionTest() {
        if (fashionTest == null) {
            try {
                fashionTest = FashionMnist.test(FashionMnist.DEFAULT_DIRECTORY);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fashionTest;
    }

    /** A single-participant plan taking samples {@code [offset, offset + batch)} of epoch {@code epoch}'s permutation. */
    static StepPlan plan(long step, long epoch, long offset, int batch) {
        return StepPlan.newBuilder().setJobId("test").setStep(step).setEpoch(epoch).addParticipantRanks(0)
                .setGlobalBatch(batch).setSampleOffset(offset).build();
    }

    /** The sample indices {@code plan} gives participant 0 of a source seeded {@code seed}. */
    static int[] samples(LabelledImages images, long seed, StepPlan plan) {
        return new EpochSampler(images.count(), seed).slice(plan, 0);
    }

    /** Features shaped for {@code network} and one-hot labels of the given samples (no augmentation). */
    static INDArray[] batch(Dl4jNetwork network, LabelledImages images, int[] indices) {
        int size = images.pixelsPerImage();
        float[] pixels = new float[indices.length * size];
        float[] oneHot = new float[indices.length * images.classes()];
        for (int i = 0; i < indices.length; i++) {
            images.copyScaled(indices[i], pixels, i * size);
            oneHot[i * images.classes() + images.labels()[indices[i]]] = 1f;
        }
        INDArray features = Nd4j.create(pixels, network.batchShape(indices.length), 'c').castTo(DataType.FLOAT);
        INDArray labels = Nd4j.create(oneHot, new long[] {indices.length, images.classes()}, 'c').castTo(DataType.FLOAT);
        return new INDArray[] {features, labels};
    }

    static float[][] copy(float[][] weights) {
        float[][] copy = new float[weights.length][];
        for (int t = 0; t < weights.length; t++) {
            copy[t] = weights[t].clone();
        }
        return copy;
    }

    /** A contribution's sums copied to the heap, so they outlive the source's next compute, which reuses its memory. */
    record Kept(float[][] sums, long samples) {
    }

    static Kept kept(GradientSource.Contribution contribution) {
        return new Kept(contribution.sums().toArrays(), contribution.samples());
    }

    static int index(Dl4jGradientSource source, String name) {
        for (int t = 0; t < source.layout().getTensorsCount(); t++) {
            if (source.layout().getTensors(t).getName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no tensor " + name);
    }
}
