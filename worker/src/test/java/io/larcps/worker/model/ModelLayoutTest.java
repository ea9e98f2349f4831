package io.larcps.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larcps.proto.control.DType;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ModelLayoutTest {

    private record Expected(String name, List<Long> shape, TensorKind kind, boolean excluded) {
    }

    private static Expected trainable(String name, boolean excluded, long... shape) {
        return new Expected(name, java.util.Arrays.stream(shape).boxed().toList(), TensorKind.TRAINABLE, excluded);
    }

    private static Expected running(String name, long... shape) {
        return new Expected(name, java.util.Arrays.stream(shape).boxed().toList(), TensorKind.RUNNING_STATISTIC, true);
    }

    private static void assertLayout(Dl4jGradientSource source, List<Expected> expected) {
        TensorLayout layout = source.layout();
        assertThat(layout.getTensorsList()).extracting(TensorSpec::getName)
                .containsExactlyElementsOf(expected.stream().map(Expected::name).toList());
        for (int t = 0; t < expected.size(); t++) {
            TensorSpec spec = layout.getTensors(t);
            Expected want = expected.get(t);
            assertThat(spec.getShapeList()).as(want.name()).containsExactlyElementsOf(want.shape());
            assertThat(spec.getKind()).as(want.name()).isEqualTo(want.kind());
            assertThat(spec.getExcludeFromLarc()).as(want.name()).isEqualTo(want.excluded());
            assertThat(spec.getExcludeFromWeightDecay()).as(want.name()).isEqualTo(want.excluded());
            assertThat(spec.getDtype()).isEqualTo(DType.FLOAT32);
        }
        assertThat(TensorLayouts.elements(layout)).isEqualTo(source.network().params().length());
        float[][] initial = source.initialWeights();
        assertThat(initial.length).isEqualTo(expected.size());
        for (int t = 0; t < initial.length; t++) {
            assertThat((long) initial[t].length).isEqualTo(TensorLayouts.elements(layout.getTensors(t)));
        }
        assertThat(ModelBuilders.trainingExtras(source.network())).isEmpty();
        assertThat(source.network().params().dataType()).isEqualTo(DataType.FLOAT);
    }

    @Test
    void mlpLayoutFollowsTheParamTable() {
        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.MLP, TestData.random(64, 1, 28, 28, 10, 1), 16, 3);
        assertLayout(source, List.of(
                trainable("0_W", false, 784, 256),
                trainable("0_b", true, 256),
                trainable("1_W", false, 256, 10),
                trainable("1_b", true, 10)));
        assertThat(source.network().params().length()).isEqualTo(784 * 256 + 256 + 256 * 10 + 10);
    }

    @Test
    void cnnLayoutHasBatchNormRunningStatistics() {
        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.CNN, TestData.random(64, 1, 28, 28, 10, 1), 16, 3);
        // Layers: 0 conv, 1 BN, 2 ReLU, 3 pool, 4 conv, 5 BN, 6 ReLU, 7 pool, 8 dense, 9 output; 28 -> 24 -> 12 -> 8 -> 4.
        assertLayout(source, List.of(
                trainable("0_W", false, 20, 1, 5, 5),
                trainable("1_gamma", true, 20),
                trainable("1_beta", true, 20),
                running("1_mean", 20),
                running("1_var", 20),
                trainable("4_W", false, 50, 20, 5, 5),
                trainable("5_gamma", true, 50),
                trainable("5_beta", true, 50),
                running("5_mean", 50),
                running("5_var", 50),
                trainable("8_W", false, 800, 256),
                trainable("8_b", true, 256),
                trainable("9_W", false, 256, 10),
                trainable("9_b", true, 10)));
        float[][] initial = source.initialWeights();
        assertThat(initial[TestData.index(source, "1_mean")]).containsOnly(0f);
        assertThat(initial[TestData.index(source, "1_var")]).containsOnly(1f);
        assertThat(initial[TestData.index(source, "1_gamma")]).containsOnly(1f);
    }

    @Test
    void weightsKeepDl4jsOrderWhichTheLayoutFlags() {
        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.CNN, TestData.random(64, 1, 28, 28, 10, 1), 16, 3);
        float[][] weights = source.initialWeights();
        for (int t = 0; t < weights.length; t++) {
            for (int i = 0; i < weights[t].length; i++) {
                weights[t][i] = t * 1000 + i * 0.001f;
            }
        }
        source.setWeights(weights);
        // 8_W is an 'f'-ordered [800, 256] view inside DL4J, 4_W a 'c'-ordered [50, 20, 5, 5] one.
        INDArray dense = source.network().paramTable().get("8_W");
        assertThat(dense.ordering()).isEqualTo('f');
        int d = TestData.index(source, "8_W");
        assertThat(source.layout().getTensors(d).getColumnMajor()).isTrue();
        assertThat(dense.getFloat(3, 7)).isEqualTo(weights[d][7 * 800 + 3]);
        assertThat(dense.getFloat(799, 255)).isEqualTo(weights[d][255 * 800 + 799]);
        INDArray conv = source.network().paramTable().get("4_W");
        int c = TestData.index(source, "4_W");
        assertThat(source.layout().getTensors(c).getColumnMajor()).isFalse();
        assertThat(conv.getFloat(new long[] {2, 3, 4, 1})).isEqualTo(weights[c][((2 * 20 + 3) * 5 + 4) * 5 + 1]);
        int bias = TestData.index(source, "8_b");
        assertThat(source.layout().getTensors(bias).getColumnMajor()).as("a [1, 256] bias is both orders; flagged row-major")
                .isFalse();
        assertThat(source.initialWeights()[d]).isNotEqualTo(weights[d]);
        assertThat(source.currentWeights()[d]).isEqualTo(weights[d]);
    }

    @Test
    void initialWeightsDependOnTheSeedOnly() {
        float[][] a = new Dl4jGradientSource(Architecture.MLP, TestData.random(64, 1, 28, 28, 10, 1), 16, 3).initialWeights();
        float[][] b = new Dl4jGradientSource(Architecture.MLP, TestData.random(32, 1, 28, 28, 10, 9), 8, 3).initialWeights();
        float[][] c = new Dl4jGradientSource(Architecture.MLP, TestData.random(64, 1, 28, 28, 10, 1), 16, 4).initialWeights();
        assertThat(a[0]).isEqualTo(b[0]);
        assertThat(a[0]).isNotEqualTo(c[0]);
    }

    @Test
    void mismatchesAreRejected() {
        assertThatThrownBy(() -> new Dl4jGradientSource(ModelBuilders.mlp(1), TrainingImages.of(
                TestData.random(8, 1, 28, 28, 5, 1)), 4, 1)).hasMessageContaining("10 outputs").hasMessageContaining("5 classes");
        assertThatThrownBy(() -> new Dl4jGradientSource(ModelBuilders.mlp(1), TrainingImages.of(
                TestData.random(8, 3, 28, 28, 10, 1)), 4, 1)).hasMessageContaining("784 values");
        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.MLP, TestData.random(64, 1, 28, 28, 10, 1), 16, 3);
        float[][] weights = source.initialWeights();
        weights[1] = new float[3];
        assertThatThrownBy(() -> source.setWeights(weights)).hasMessageContaining("0_b").hasMessageContaining("expected 256");
        assertThat(Architecture.parse("ResNet-50")).isEqualTo(Architecture.RESNET50);
        assertThatThrownBy(() -> Architecture.parse("vgg")).hasMessageContaining("mlp, cnn, resnet50");
        assertThatThrownBy(() -> ModelBuilders.resnet50(10, 31, 1)).hasMessageContaining("32 px");
    }

    @Test
    void nd4jThreadsStayWithinTheCpusTheJvmMayUse() {
        Nd4jRuntime.configure();
        assertThat(Nd4jRuntime.threads()).isBetween(1, Runtime.getRuntime().availableProcessors());
        assertThatThrownBy(() -> Nd4jRuntime.limitThreads(0)).hasMessageContaining(">= 1");
    }
}
