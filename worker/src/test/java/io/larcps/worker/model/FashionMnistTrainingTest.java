package io.larcps.worker.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.worker.data.LabelledImages;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The worker's gradients train: plain SGD on them, no parameter server, real Fashion-MNIST. */
class FashionMnistTrainingTest {
    private static final int STEPS = 200;
    private static final int BATCH = 128;
    private static final float LEARNING_RATE = 0.1f;

    private static LabelledImages train;
    private static LabelledImages firstTestImages;

    @BeforeAll
    static void load() {
        train = TestData.fashionTrain();
        LabelledImages test = TestData.fashionTest();
        firstTestImages = new LabelledImages(2_000, test.channels(), test.height(), test.width(), test.pixels(),
                test.labels(), test.classes());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void twoHundredSgdStepsOfTheMlpPassSeventyFivePercent() {
        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.MLP, train, BATCH, 42);
        float[][] weights = source.initialWeights();
        Dl4jGradientSource.Evaluation start = source.evaluate(weights, firstTestImages, 500);
        for (int step = 0; step < STEPS; step++) {
            TestData.Kept contribution = TestData.kept(source.compute(weights, TestData.plan(step, 0, (long) step * BATCH, BATCH), 0));
            float scale = LEARNING_RATE / contribution.samples();
            for (int t = 0; t < weights.length; t++) {
                float[] w = weights[t];
                float[] sum = contribution.sums()[t];
                for (int i = 0; i < w.length; i++) {
                    w[i] -= scale * sum[i];
                }
            }
        }
        Dl4jGradientSource.Evaluation end = source.evaluate(weights, firstTestImages, 500);
        assertThat(end.samples()).isEqualTo(2_000);
        assertThat(start.accuracy()).isLessThan(0.3);
        assertThat(end.accuracy()).isGreaterThan(0.75);
        assertThat(end.loss()).isLessThan(start.loss()).isLessThan(0.8);
    }
}
