package io.larcps.worker.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.StepPlan;
import io.larcps.worker.data.LabelledImages;
import org.junit.jupiter.api.Test;

class DeterminismTest {

    @Test
    void sameWeightsAndPlanGiveTheSameBitsWhateverRanBetween() {
        LabelledImages data = TestData.random(96, 1, 28, 28, 10, 6);
        for (Architecture architecture : new Architecture[] {Architecture.MLP, Architecture.CNN}) {
            Dl4jGradientSource source = new Dl4jGradientSource(architecture, data, 24, 8);
            float[][] weights = source.initialWeights();
            StepPlan plan = TestData.plan(3, 1, 24, 24);
            TestData.Kept first = TestData.kept(source.compute(weights, plan, 0));

            float[][] other = TestData.copy(weights);
            for (float[] tensor : other) {
                for (int i = 0; i < tensor.length; i++) {
                    tensor[i] *= 0.5f;
                }
            }
            TestData.Kept between = TestData.kept(source.compute(other, TestData.plan(4, 1, 48, 24), 0));
            TestData.Kept again = TestData.kept(source.compute(weights, plan, 0));

            assertThat(again.samples()).isEqualTo(first.samples());
            for (int t = 0; t < weights.length; t++) {
                assertThat(bits(again.sums()[t])).as("%s tensor %d", architecture, t).isEqualTo(bits(first.sums()[t]));
            }
            assertThat(bits(between.sums()[0])).isNotEqualTo(bits(first.sums()[0]));
        }
    }

    @Test
    void twoParticipantsSplitTheGlobalBatch() {
        LabelledImages data = TestData.random(96, 1, 28, 28, 10, 6);
        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.MLP, data, 8, 8);
        float[][] weights = source.initialWeights();
        StepPlan whole = TestData.plan(0, 0, 0, 16);
        StepPlan halves = whole.toBuilder().addParticipantRanks(1).build();
        TestData.Kept all = TestData.kept(source.compute(weights, whole, 0));
        TestData.Kept a = TestData.kept(source.compute(weights, halves, 0));
        TestData.Kept b = TestData.kept(source.compute(weights, halves, 1));
        assertThat(a.samples() + b.samples()).isEqualTo(all.samples());
        for (int t = 0; t < weights.length; t++) {
            for (int i = 0; i < weights[t].length; i++) {
                assertThat(a.sums()[t][i] + b.sums()[t][i])
                        .isCloseTo(all.sums()[t][i], org.assertj.core.api.Assertions.within(1e-4f + 1e-4f * Math.abs(all.sums()[t][i])));
            }
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
