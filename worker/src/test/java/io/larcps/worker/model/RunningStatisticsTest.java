package io.larcps.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.TensorKind;
import io.larcps.worker.data.LabelledImages;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * BatchNorm's running statistics: DL4J 1.0.0-M2.1 updates them through the gradient slot
 * ({@code param -= (1 - decay) * (param - batch)}, decay 0.9), and the source returns the updated
 * value times the batch size.
 */
class RunningStatisticsTest {
    private static final long SEED = 21;
    private static final int BATCH = 32;
    private static final double DECAY = 0.9;

    @Test
    void cnnRunningStatisticsMoveTowardTheBatchStatistics() {
        LabelledImages data = TestData.random(128, 1, 28, 28, 10, 4);
        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.CNN, data, BATCH, SEED);
        float[][] weights = source.initialWeights();
        // Start from running statistics that are not DL4J's (0, 1), as after some training.
        for (String name : List.of("1_mean", "5_mean")) {
            java.util.Arrays.fill(weights[TestData.index(source, name)], 0.05f);
        }
        for (String name : List.of("1_var", "5_var")) {
            java.util.Arrays.fill(weights[TestData.index(source, name)], 0.5f);
        }
        float[][] before = TestData.copy(weights);
        StepPlan plan = TestData.plan(0, 0, 32, BATCH);
        TestData.Kept contribution = TestData.kept(source.compute(weights, plan, 0));
        assertThat(contribution.samples()).isEqualTo(BATCH);
        assertThat(weights).as("compute leaves its input alone").isDeepEqualTo(before);

        // The batch statistics of each BatchNorm input, from a training-mode forward pass (layer l's input is activation l).
        INDArray[] batch = TestData.batch(source.network(), data, TestData.samples(data, SEED, plan));
        MultiLayerNetwork network = (MultiLayerNetwork) source.network().model();
        List<INDArray> activations = network.feedForward(batch[0], true);
        for (int layer : new int[] {1, 5}) {
            INDArray input = activations.get(layer);
            float[] batchMean = input.mean(0, 2, 3).data().asFloat();
            float[] batchVar = input.var(false, 0, 2, 3).data().asFloat();
            float[] mean = perSample(contribution, TestData.index(source, layer + "_mean"));
            float[] var = perSample(contribution, TestData.index(source, layer + "_var"));
            float[] oldMean = before[TestData.index(source, layer + "_mean")];
            float[] oldVar = before[TestData.index(source, layer + "_var")];
            for (int c = 0; c < mean.length; c++) {
                assertThat((double) mean[c]).as("layer %d channel %d mean", layer, c)
                        .isCloseTo(DECAY * oldMean[c] + (1 - DECAY) * batchMean[c], within(1e-4 + 1e-4 * Math.abs(batchMean[c])));
                assertThat((double) var[c]).as("layer %d channel %d variance", layer, c)
                        .isCloseTo(DECAY * oldVar[c] + (1 - DECAY) * batchVar[c], within(1e-4 + 1e-3 * batchVar[c]));
                assertThat(Math.abs(mean[c] - batchMean[c])).isLessThan(Math.abs(oldMean[c] - batchMean[c]));
                assertThat(Math.abs(var[c] - batchVar[c])).isLessThan(Math.abs(oldVar[c] - batchVar[c]));
            }
        }
        for (int t = 0; t < contribution.sums().length; t++) {
            if (source.layout().getTensors(t).getKind() == TensorKind.TRAINABLE) {
                float[] sum = contribution.sums()[t];
                boolean nonZero = false;
                for (float v : sum) {
                    assertThat(Float.isFinite(v)).as(source.layout().getTensors(t).getName()).isTrue();
                    nonZero |= v != 0;
                }
                assertThat(nonZero).as(source.layout().getTensors(t).getName()).isTrue();
            }
        }
    }

    @Test
    void log10StdevRunningStatisticIsTheUpdatedStandardDeviation() {
        // The zoo's ResNet-50 keeps its BatchNorm variance as log10(stdev): check that form too.
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .updater(new NoOp()).list()
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build())
                .layer(new BatchNormalization.Builder().activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(27))
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        LabelledImages data = TestData.random(64, 3, 3, 3, 4, 2);
        Dl4jGradientSource source = new Dl4jGradientSource(Dl4jNetwork.of(network, new long[] {27}, 4),
                TrainingImages.of(data), BATCH, SEED);
        int logStd = TestData.index(source, "1_log10stdev");
        assertThat(source.layout().getTensors(logStd).getKind()).isEqualTo(TensorKind.RUNNING_STATISTIC);
        float[][] weights = source.initialWeights();
        java.util.Arrays.fill(weights[logStd], -0.25f);
        StepPlan plan = TestData.plan(0, 0, 0, BATCH);
        TestData.Kept contribution = TestData.kept(source.compute(weights, plan, 0));
        INDArray[] batch = TestData.batch(source.network(), data, TestData.samples(data, SEED, plan));
        float[] batchVar = network.feedForward(batch[0], true).get(1).var(false, 0).data().asFloat();
        float[] updated = perSample(contribution, logStd);
        for (int c = 0; c < updated.length; c++) {
            double oldVar = Math.pow(10, 2 * -0.25);
            double expected = Math.log10(Math.sqrt(DECAY * oldVar + (1 - DECAY) * batchVar[c]));
            assertThat((double) updated[c]).as("channel %d", c).isCloseTo(expected, within(1e-3));
        }
    }

    private static float[] perSample(TestData.Kept contribution, int tensor) {
        float[] sum = contribution.sums()[tensor];
        float[] value = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            value[i] = sum[i] / contribution.samples();
        }
        return value;
    }
}
