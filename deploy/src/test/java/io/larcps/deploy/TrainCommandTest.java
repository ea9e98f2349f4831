package io.larcps.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code larcps train} end to end in this JVM, on the synthetic model (no data files needed). */
class TrainCommandTest {

    @TempDir
    Path dir;

    private Path train(String name, String... extra) {
        Path out = dir.resolve(name);
        String[] base = {"train", "--model", "synthetic-mlp", "--synthetic-samples", "1024", "--global-batch", "64",
                "--epochs", "2", "--out", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        assertThat(Larcps.run(args)).isZero();
        return out;
    }

    @Test
    void writesAReportWithPerEpochMetricsAndTheWeightsAsNpy() throws IOException {
        Path out = train("run");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.path("config").path("steps").asLong()).isEqualTo(32);
        assertThat(report.path("epochs")).hasSize(2);
        assertThat(report.path("final_test_accuracy").asDouble()).isGreaterThan(0.9);
        assertThat(report.path("samples_per_second").asDouble()).isPositive();
        assertThat(report.path("trust_factors").get(0).path("factors")).hasSize(4);
        assertThat(report.path("epochs").get(0).path("rank0_time").path("steps").asLong()).isEqualTo(16);
        JsonNode time = report.path("rank0_time");
        assertThat(time.path("steps").asLong()).as("rank 0 counted every step").isEqualTo(32);
        assertThat(time.path("compute_seconds").asDouble()).isPositive();
        assertThat(time.path("pull_seconds").asDouble()).isPositive();
        assertThat(time.path("push_seconds").asDouble() + time.path("waiting_seconds").asDouble())
                .isLessThan(report.path("wall_seconds").asDouble());
        JsonNode index = new ObjectMapper().readTree(out.resolve("weights").resolve("index.json").toFile());
        assertThat(index.path("tensors").get(0).path("name").asText()).isEqualTo("hidden.W");
        assertThat(index.path("tensors").get(0).path("shape").toString()).isEqualTo("[64,32]");
        assertThat(TrainOutputs.weights(out)).hasSize(4);
    }

    @Test
    void theSameSeedGivesTheSameBitsAndShardsChangeNothing() throws IOException {
        List<float[]> first = TrainOutputs.weights(train("a"));
        List<float[]> again = TrainOutputs.weights(train("b"));
        List<float[]> threeShards = TrainOutputs.weights(train("c", "--shards", "3"));
        for (int t = 0; t < first.size(); t++) {
            assertThat(again.get(t)).containsExactly(first.get(t));
            assertThat(threeShards.get(t)).containsExactly(first.get(t));
        }
    }

    @Test
    void twoWorkersAtTheSameGlobalBatchTrainTheSameModel() throws IOException {
        List<float[]> one = TrainOutputs.weights(train("one"));
        List<float[]> two = TrainOutputs.weights(train("two", "--workers", "2"));
        for (int t = 0; t < one.size(); t++) {
            float[] a = one.get(t);
            float[] b = two.get(t);
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).isCloseTo(a[i], org.assertj.core.api.Assertions.within(1e-4f + 1e-3f * Math.abs(a[i])));
            }
        }
    }

    @Test
    void badFlagsGiveOneLineAndExitCodeTwo() {
        assertThat(Larcps.run("train", "--model", "synthetic-mlp", "--workers", "3", "--global-batch", "64")).isEqualTo(2);
        assertThat(Larcps.run("train", "--model", "mlp", "--data", dir.resolve("missing").toString())).isEqualTo(2);
    }
}
