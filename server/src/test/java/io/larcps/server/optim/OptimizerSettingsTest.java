package io.larcps.server.optim;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Invalid hyper-parameters fail at construction, naming the parameter. */
class OptimizerSettingsTest {

    @Test
    void trustCoefficientMustBePositive() {
        assertThatThrownBy(() -> new OptimizerSettings(TrustRule.LARC, 0, 1e-8, true, 0, 0.9, 0, false))
                .hasMessageContaining("trustCoefficient");
        assertThatThrownBy(() -> new OptimizerSettings(TrustRule.LARS, -1e-3, 0, false, 0, 0.9, 0, false))
                .hasMessageContaining("trustCoefficient");
    }

    @Test
    void momentumMustBeInTheHalfOpenUnitInterval() {
        assertThatThrownBy(() -> OptimizerSettings.apexLarc(0.02, 0, 1.0)).hasMessageContaining("momentum");
        assertThatThrownBy(() -> OptimizerSettings.apexLarc(0.02, 0, -0.1)).hasMessageContaining("momentum");
    }

    @Test
    void otherParametersAreNamedToo() {
        assertThatThrownBy(() -> OptimizerSettings.apexLarc(0.02, -1, 0.9)).hasMessageContaining("weightDecay");
        assertThatThrownBy(() -> new OptimizerSettings(TrustRule.LARC, 0.02, -1, true, 0, 0.9, 0, false))
                .hasMessageContaining("eps");
        assertThatThrownBy(() -> new OptimizerSettings(TrustRule.LARC, 0.02, 1e-8, true, 0, 0.9, 2, false))
                .hasMessageContaining("dampening");
        assertThatThrownBy(() -> new OptimizerSettings(TrustRule.NONE, 1, 0, false, 0, 0, 0, true))
                .hasMessageContaining("nesterov");
        assertThatThrownBy(() -> new OptimizerSettings(null, 1, 0, false, 0, 0, 0, false))
                .hasMessageContaining("rule");
        assertThatThrownBy(() -> OptimizerSettings.apexLarc(Double.NaN, 0, 0.9)).hasMessageContaining("trustCoefficient");
    }

    @Test
    void aNegativeOrNonFiniteLearningRateIsRefusedAtTheStep() {
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(OptimizerSettings.apexLarc(0.02, 0, 0.9));
        TensorState tensor = TensorState.of("w", new float[] {1f});
        assertThatThrownBy(() -> optimizer.step(tensor, new float[] {1f}, 1f, -0.1)).hasMessageContaining("learningRate");
        assertThatThrownBy(() -> optimizer.step(tensor, new float[] {1f}, 1f, Double.NaN)).hasMessageContaining("learningRate");
        assertThatThrownBy(() -> optimizer.step(tensor, new float[] {1f, 2f}, 1f, 0.1)).hasMessageContaining("elements");
        org.assertj.core.api.Assertions.assertThat(tensor.weights()).containsExactly(1f);
        org.assertj.core.api.Assertions.assertThat(tensor.momentum()).isNull();
    }
}
