package io.larcps.server.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The optimizer against apex LARC trajectories computed independently in numpy. */
class LarcGoldenTest {

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesOnEveryKernel() throws IOException {
        List<GoldenTrajectories.Case> cases = GoldenTrajectories.read(GoldenTrajectories.defaultPath());
        assertThat(UpdateKernels.vectorAvailable())
                .as("tests run with --add-modules jdk.incubator.vector, so both kernels are checked")
                .isTrue();
        List<UpdateKernel> kernels = List.of(new ScalarKernel(), UpdateKernels.vector());
        return cases.stream().flatMap(golden -> kernels.stream().map(kernel -> DynamicTest.dynamicTest(
                golden.name() + " on " + kernel.name(), () -> assertNoMismatch(golden, kernel))));
    }

    @Test
    void aOnePercentChangeToAnyDetectableExpectedValueIsCaught() throws IOException {
        int checked = 0;
        for (GoldenTrajectories.Case golden : GoldenTrajectories.read(GoldenTrajectories.defaultPath())) {
            List<GoldenRunner.Value> got = GoldenRunner.run(golden, UpdateKernels.best());
            List<Float> want = GoldenRunner.expected(golden);
            assertThat(got).hasSameSizeAs(want);
            for (int i = 0; i < want.size(); i++) {
                double perturbed = want.get(i) * 1.01;
                // Below |want| of about 1e-4 a 1% change is smaller than the README's absolute tolerance.
                if (Math.abs(perturbed - want.get(i)) > GoldenRunner.RELATIVE * Math.abs(perturbed) + GoldenRunner.ABSOLUTE) {
                    assertThat(GoldenRunner.within(got.get(i).got(), perturbed))
                            .as("%s of %s: %s vs perturbed %s", got.get(i).where(), golden.name(), got.get(i).got(), perturbed)
                            .isFalse();
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    @Test
    void aPerturbedFileNamedByThePropertyFailsTheRun(@TempDir Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(GoldenTrajectories.defaultPath().toFile());
        ArrayNode firstParams = (ArrayNode) root.path("cases").get(0).path("expect_f32").get(0).path("params").get(0);
        firstParams.set(3, firstParams.get(3).asDouble() * 1.01);
        Path perturbed = dir.resolve("perturbed.json");
        json.writeValue(perturbed.toFile(), root);

        GoldenTrajectories.Case golden = GoldenTrajectories.read(perturbed).get(0);
        assertThatThrownBy(() -> assertNoMismatch(golden, UpdateKernels.best()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("step 0 tensor 0 params[3]");
    }

    @Test
    void aCaseWithAnUnknownHyperParameterCannotBeRun(@TempDir Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(GoldenTrajectories.defaultPath().toFile());
        ((ObjectNode) root.path("cases").get(0).path("hyper")).put("lamb_beta", 0.9);
        Path file = dir.resolve("unknown.json");
        json.writeValue(file.toFile(), root);

        assertThatThrownBy(() -> GoldenTrajectories.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("lamb_beta");
    }

    @Test
    void aMissingGoldenFileIsAnErrorNotASkip(@TempDir Path dir) {
        assertThatThrownBy(() -> GoldenTrajectories.read(dir.resolve("absent.json")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("absent.json");
    }

    private static void assertNoMismatch(GoldenTrajectories.Case golden, UpdateKernel kernel) {
        List<GoldenRunner.Value> got = GoldenRunner.run(golden, kernel);
        List<Float> want = GoldenRunner.expected(golden);
        assertThat(got).hasSameSizeAs(want);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < want.size(); i++) {
            if (!GoldenRunner.within(got.get(i).got(), want.get(i))) {
                mismatches.add(got.get(i).where() + ": got " + got.get(i).got() + ", want " + want.get(i));
            }
        }
        assertThat(mismatches).as("%s on %s: values outside 1e-4 relative + 1e-6", golden.name(), kernel.name())
                .isEmpty();
    }
}
