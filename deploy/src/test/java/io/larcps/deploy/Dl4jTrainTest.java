package io.larcps.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code larcps train} with real DL4J models on real Fashion-MNIST, and ResNet-50 on an image folder. */
class Dl4jTrainTest {

    @TempDir
    Path dir;

    static Path train(Path out, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--out";
        all[args.length + 1] = out.toString();
        String[] withCommand = new String[all.length + 1];
        withCommand[0] = "train";
        System.arraycopy(all, 0, withCommand, 1, all.length);
        assertThat(Larcps.run(withCommand)).as("larcps %s", String.join(" ", withCommand)).isZero();
        return out;
    }

    @Test
    void theDefaultModelLearnsFashionMnistInOneEpoch() throws IOException {
        Path out = train(dir.resolve("mlp"), "--epochs", "1");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        // The default run (5 epochs) reaches about 0.87; one epoch is enough to pass 0.80.
        assertThat(report.path("final_test_accuracy").asDouble()).isGreaterThan(0.80);
        assertThat(report.path("epochs").get(0).path("loss").asDouble()).isBetween(0.0, 0.6);
        assertThat(out.resolve("model-mlp.zip")).isNotEmptyFile();
        assertThat(TrainOutputs.weights(out)).hasSize(4);
    }

    @Test
    void runsAreReproducibleAndTheShardCountChangesNothing() throws IOException {
        List<float[]> first = TrainOutputs.weights(train(dir.resolve("a"), "--max-steps", "30"));
        List<float[]> again = TrainOutputs.weights(train(dir.resolve("b"), "--max-steps", "30"));
        List<float[]> threeShards = TrainOutputs.weights(train(dir.resolve("c"), "--max-steps", "30", "--shards", "3"));
        for (int t = 0; t < first.size(); t++) {
            assertThat(again.get(t)).as("tensor %d, same seed", t).containsExactly(first.get(t));
            assertThat(threeShards.get(t)).as("tensor %d, 3 shards", t).containsExactly(first.get(t));
        }
    }

    @Test
    void twoWorkersAtTheSameGlobalBatchTrainTheSameModelToFloatTolerance() throws IOException {
        List<float[]> one = TrainOutputs.weights(train(dir.resolve("one"), "--max-steps", "30"));
        List<float[]> two = TrainOutputs.weights(train(dir.resolve("two"), "--max-steps", "30", "--workers", "2"));
        for (int t = 0; t < one.size(); t++) {
            float[] a = one.get(t);
            float[] b = two.get(t);
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).as("tensor %d element %d", t, i).isCloseTo(a[i], within(1e-4f + 1e-3f * Math.abs(a[i])));
            }
        }
    }

    @Test
    void resnet50TrainsAStepOnATinyImageFolder() throws IOException {
        Random random = new Random(3);
        for (String label : new String[] {"cat", "dog"}) {
            Path folder = Files.createDirectories(dir.resolve("images").resolve("train").resolve(label));
            for (int i = 0; i < 4; i++) {
                BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 64; y++) {
                    for (int x = 0; x < 64; x++) {
                        image.setRGB(x, y, random.nextInt(1 << 24));
                    }
                }
                ImageIO.write(image, "png", folder.resolve(i + ".png").toFile());
            }
        }
        Path out = train(dir.resolve("resnet"), "--model", "resnet50", "--data", dir.resolve("images").toString(),
                "--image-size", "64", "--global-batch", "4", "--max-steps", "1");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.path("config").path("steps").asLong()).isEqualTo(1);
        assertThat(report.path("tensors").size()).isEqualTo(320);
        assertThat(report.path("final_test_accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(TrainOutputs.weights(out)).hasSize(320).allSatisfy(values -> {
            for (float v : values) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        });
    }

    @Test
    void missingDataIsOneLineNamingTheFixAndExitCodeTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Larcps.run("train", "--data", dir.resolve("nowhere").toString())).isEqualTo(2);
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nowhere").contains("apt-get install -y dataset-fashion-mnist")
                .doesNotContain("\tat ");
    }
}
