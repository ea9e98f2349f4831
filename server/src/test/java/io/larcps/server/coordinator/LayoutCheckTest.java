package io.larcps.server.coordinator;

import static io.larcps.server.coordinator.ShardPlacementTest.tensor;
import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.DType;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import org.junit.jupiter.api.Test;

class LayoutCheckTest {
    private final TensorLayout job = TensorLayout.newBuilder()
            .addTensors(tensor("conv.W", 8, 3, 3, 3)).addTensors(tensor("conv.b", 8)).addTensors(tensor("fc.W", 10, 8)).build();

    @Test
    void theFirstDifferingTensorIsNamed() {
        TensorLayout other = job.toBuilder().setTensors(1, tensor("conv.b", 9)).setTensors(2, tensor("fc.W", 10, 9)).build();
        assertThat(LayoutCheck.firstDifference(job, other)).hasValueSatisfying(message -> assertThat(message)
                .contains("tensor 1").contains("'conv.b' [9]").contains("[8]").doesNotContain("fc.W"));
        assertThat(LayoutCheck.firstDifference(job, job.toBuilder().removeTensors(2).build()))
                .hasValueSatisfying(message -> assertThat(message).contains("2 tensors").contains("3"));
        assertThat(LayoutCheck.firstDifference(job, job)).isEmpty();
        assertThat(LayoutCheck.firstDifference(job, job.toBuilder()
                .setTensors(1, tensor("conv.b", 8).toBuilder().setExcludeFromLarc(true).build()).build()))
                .hasValueSatisfying(message -> assertThat(message).contains("no-larc"));
    }

    @Test
    void layoutsTheServerCannotTrainAreRefused() {
        assertThat(LayoutCheck.problem(job)).isEmpty();
        assertThat(LayoutCheck.problem(TensorLayout.getDefaultInstance())).hasValue("the layout has no tensors");
        assertThat(LayoutCheck.problem(job.toBuilder().addTensors(tensor("conv.W", 1)).build()))
                .hasValueSatisfying(m -> assertThat(m).contains("twice"));
        assertThat(LayoutCheck.problem(job.toBuilder().setTensors(0, tensor("x", 3).toBuilder().setDtype(DType.FLOAT16)).build()))
                .hasValueSatisfying(m -> assertThat(m).contains("FLOAT16"));
        assertThat(LayoutCheck.problem(job.toBuilder().setTensors(0, tensor("x", 3).toBuilder()
                .setKind(TensorKind.TENSOR_KIND_UNSPECIFIED)).build())).hasValueSatisfying(m -> assertThat(m).contains("kind"));
        assertThat(LayoutCheck.problem(job.toBuilder().setTensors(0, tensor("x", 3, 0)).build()))
                .hasValueSatisfying(m -> assertThat(m).contains("positive"));
        assertThat(LayoutCheck.problem(job.toBuilder().setTensors(0, tensor("x", 1L << 20, 1L << 20)).build()))
                .hasValueSatisfying(m -> assertThat(m).contains("2^31"));
    }
}
