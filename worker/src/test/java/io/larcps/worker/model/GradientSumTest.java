package io.larcps.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.larcps.proto.control.StepPlan;
import io.larcps.worker.GradientSource.Contribution;
import io.larcps.worker.data.LabelledImages;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * What a contribution's sums are: DL4J 1.0.0-M2.1's {@code computeGradientAndScore()} leaves the
 * gradient of the loss SUMMED over the batch (only its updater divides by the batch size), while its
 * score is the batch MEAN. These tests pin that down three ways.
 */
class GradientSumTest {
    private static final long SEED = 11;
    private static final int BATCH = 16;

    private static void assertClose(float[][] actual, float[][] expected, double relative) {
        for (int t = 0; t < expected.length; t++) {
            double scale = 0;
            for (float v : expected[t]) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < expected[t].length; i++) {
                assertThat((double) actual[t][i]).as("tensor %d element %d", t, i)
                        .isCloseTo(expected[t][i], within(relative * scale + 1e-6));
            }
        }
    }

    @Test
    void sumsAreTheNetworksOwnGradientMemoryNotACopy() {
        LabelledImages data = TestData.random(32, 1, 28, 28, 10, 5);
        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.MLP, data, BATCH, SEED);
        Contribution contribution = source.compute(source.initialWeights(), TestData.plan(0, 0, 0, BATCH), 0);
        float[][] before = contribution.sums().toArrays();

        source.network().gradientsView().muli(2);

        assertThat(contribution.sums().isDirect()).isTrue();
        float[][] after = contribution.sums().toArrays();
        for (int t = 0; t < before.length; t++) {
            for (int i = 0; i < before[t].length; i++) {
                assertThat(after[t][i]).as("tensor %d element %d", t, i).isEqualTo(2 * before[t][i]);
            }
        }
    }

    @Test
    void batchSumEqualsTheSumOfPerSampleGradients() {
        LabelledImages data = TestData.random(64, 1, 28, 28, 10, 5);
        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.MLP, data, BATCH, SEED);
        float[][] weights = source.initialWeights();
        TestData.Kept batch = TestData.kept(source.compute(weights, TestData.plan(0, 0, 0, BATCH), 0));
        assertThat(batch.samples()).isEqualTo(BATCH);

        float[][] summed = new float[weights.length][];
        for (int t = 0; t < weights.length; t++) {
            summed[t] = new float[weights[t].length];
        }
        for (int k = 0; k < BATCH; k++) {
            TestData.Kept one = TestData.kept(source.compute(weights, TestData.plan(k, 0, k, 1), 0));
            assertThat(one.samples()).isEqualTo(1);
            for (int t = 0; t < weights.length; t++) {
                for (int i = 0; i < summed[t].length; i++) {
                    summed[t][i] += one.sums()[t][i];
                }
            }
        }
        assertClose(batch.sums(), summed, 1e-5);
    }

    @Test
    void batchSumIsBatchSizeTimesTheMeanGradientDl4jsUpdaterApplies() {
        LabelledImages data = TestData.random(64, 1, 28, 28, 10, 5);
        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.MLP, data, BATCH, SEED);
        StepPlan plan = TestData.plan(0, 0, 0, BATCH);
        float[][] weights = source.initialWeights();
        TestData.Kept contribution = TestData.kept(source.compute(weights, plan, 0));

        // The same network with plain SGD at rate 1: one fit() moves each weight by minus DL4J's mean gradient.
        MultiLayerNetwork sgd = ((MultiLayerNetwork) source.network().model()).clone();
        for (Layer layer : sgd.getLayers()) {
            ((BaseLayer) layer.conf().getLayer()).setIUpdater(new Sgd(1.0));
        }
        INDArray[] batch = TestData.batch(source.network(), data, TestData.samples(data, SEED, plan));
        sgd.setParams(source.network().params().dup());
        INDArray before = sgd.params().dup();
        sgd.fit(batch[0], batch[1]);
        INDArray mean = before.sub(sgd.params());
        // The sums keep DL4J's order of each parameter ('f' for dense weights), which is its order in params().
        float[][] timesBatch = new float[weights.length][];
        int t = 0;
        long offset = 0;
        for (INDArray view : sgd.paramTable().values()) {
            INDArray segment = mean.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + view.length()));
            timesBatch[t] = segment.dup().mul(BATCH).toFloatVector();
            offset += view.length();
            t++;
        }
        assertClose(contribution.sums(), timesBatch, 1e-4);
    }

    @Test
    void mlpSumsMatchFiniteDifferencesOfTheSummedLoss() {
        LabelledImages data = TestData.random(64, 1, 28, 28, 10, 5);
        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.MLP, data, BATCH, SEED);
        checkFiniteDifferences(source, data, new String[] {"1_W", "1_b", "0_W"});
    }

    @Test
    void cnnSumsMatchFiniteDifferencesThroughBatchNorm() {
        LabelledImages data = TestData.random(64, 1, 28, 28, 10, 5);
        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.CNN, data, BATCH, SEED);
        checkFiniteDifferences(source, data, new String[] {"9_b", "5_gamma", "1_beta", "0_W"});
    }

    /**
     * For the element of largest gradient in each named tensor: the sum equals the central difference
     * of the batch's SUMMED loss (score, a mean, times the batch size). Float32 loss, so a 5% tolerance.
     */
    private static void checkFiniteDifferences(Dl4jGradientSource source, LabelledImages data, String[] names) {
        StepPlan plan = TestData.plan(0, 0, 0, BATCH);
        float[][] weights = source.initialWeights();
        TestData.Kept contribution = TestData.kept(source.compute(weights, plan, 0));
        INDArray[] batch = TestData.batch(source.network(), data, TestData.samples(data, SEED, plan));
        for (String name : names) {
            int t = TestData.index(source, name);
            float[] sum = contribution.sums()[t];
            int best = 0;
            for (int i = 1; i < sum.length; i++) {
                if (Math.abs(sum[i]) > Math.abs(sum[best])) {
                    best = i;
                }
            }
            float h = 1e-2f * Math.max(1f, Math.abs(weights[t][best]));
            float[][] plus = TestData.copy(weights);
            plus[t][best] += h;
            float[][] minus = TestData.copy(weights);
            minus[t][best] -= h;
            source.setWeights(plus);
            double lossPlus = source.network().computeGradientAndScore(batch[0], batch[1]) * BATCH;
            source.setWeights(minus);
            double lossMinus = source.network().computeGradientAndScore(batch[0], batch[1]) * BATCH;
            double numeric = (lossPlus - lossMinus) / (plus[t][best] - minus[t][best]);
            assertThat(Math.abs(sum[best])).as(name).isGreaterThan(1e-3f);
            assertThat((double) sum[best]).as("%s[%d]: analytic sum vs finite difference of the summed loss", name, best)
                    .isCloseTo(numeric, within(0.05 * Math.abs(numeric) + 1e-3));
        }
    }

    @Test
    void computationGraphsAlsoSumOverTheBatch() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new NoOp()).graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.feedForward(48))
                .addLayer("hidden", new DenseLayer.Builder().nOut(16).activation(Activation.TANH)
                        .weightInit(WeightInit.XAVIER).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.XAVIER).build(), "hidden")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        LabelledImages data = TestData.random(32, 3, 4, 4, 3, 8);
        Dl4jGradientSource source = new Dl4jGradientSource(Dl4jNetwork.of(graph, new long[] {48}, 3),
                TrainingImages.of(data), 8, SEED);
        assertThat(source.layout().getTensorsList()).extracting(s -> s.getName())
                .containsExactly("hidden_W", "hidden_b", "out_W", "out_b");
        float[][] weights = source.initialWeights();
        TestData.Kept batch = TestData.kept(source.compute(weights, TestData.plan(0, 0, 0, 8), 0));
        float[][] summed = new float[weights.length][];
        for (int t = 0; t < weights.length; t++) {
            summed[t] = new float[weights[t].length];
        }
        for (int k = 0; k < 8; k++) {
            TestData.Kept one = TestData.kept(source.compute(weights, TestData.plan(k, 0, k, 1), 0));
            for (int t = 0; t < weights.length; t++) {
                for (int i = 0; i < summed[t].length; i++) {
                    summed[t][i] += one.sums()[t][i];
                }
            }
        }
        assertClose(batch.sums(), summed, 1e-5);
    }
}
