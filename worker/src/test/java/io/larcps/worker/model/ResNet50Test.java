package io.larcps.worker.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import io.larcps.worker.data.ImageFolderDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zoo's ResNet-50 with a global average pool, on an image folder at 64 px (the zoo's own 3x3
 * max-pool "avgpool" would fail below about 70 px).
 *
 * <p>Parameter count: the zoo's convolutions carry biases (Keras layout), so the network without its
 * classifier has 23,587,712 values, 53,120 of them BatchNorm running statistics (mean and
 * log10stdev of 26,560 channels in 53 BatchNorm layers); the classifier adds 2048 x C + C. With C =
 * 10 that is the 23,608,202 FINDINGS.md measured (so that figure is for 10 classes, not 1000); with
 * C = 1000 it is 25,636,712, Keras' ResNet50 count; torchvision's 25,557,032 trainable values have no
 * convolution biases (26,560 fewer) and no running statistics. Tensors: 53 convolutions (W, b), 53
 * BatchNorm (gamma, beta, mean, log10stdev), the classifier (W, b) = 320, of which 106 running
 * statistics.
 */
class ResNet50Test {
    private static final int CLASSES = 2;
    private static final int SIZE = 64;

    @Test
    void buildsReportsItsLayoutAndComputesOnTwoImagesOf64Pixels(@TempDir Path dir) throws IOException {
        for (String cls : new String[] {"cat", "dog"}) {
            BufferedImage image = new BufferedImage(80, 72, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 72; y++) {
                for (int x = 0; x < 80; x++) {
                    image.setRGB(x, y, cls.equals("cat") ? (x * 3) << 16 | (y * 3) << 8 : (y * 3) << 16 | 128);
                }
            }
            Files.createDirectories(dir.resolve(cls));
            ImageIO.write(image, "png", dir.resolve(cls).resolve("1.png").toFile());
        }
        ImageFolderDataset folder = ImageFolderDataset.load(dir, SIZE);
        assertThat(folder.storedSize()).isEqualTo(73);

        Dl4jGradientSource source = new Dl4jGradientSource(Architecture.RESNET50, TrainingImages.augmented(folder), 2, 5);
        TensorLayout layout = source.layout();
        long total = TensorLayouts.elements(layout);
        long running = 0;
        int runningTensors = 0;
        for (TensorSpec spec : layout.getTensorsList()) {
            if (spec.getKind() == TensorKind.RUNNING_STATISTIC) {
                running += TensorLayouts.elements(spec);
                runningTensors++;
                assertThat(spec.getName()).matches(".*_(mean|log10stdev)");
            }
        }
        assertThat(total).isEqualTo(23_587_712L + 2049L * CLASSES).isEqualTo(source.network().params().length());
        assertThat(23_587_712L + 2049L * 10).as("FINDINGS.md's count is for 10 classes").isEqualTo(23_608_202L);
        assertThat(running).isEqualTo(53_120);
        assertThat(layout.getTensorsCount()).isEqualTo(320);
        assertThat(runningTensors).isEqualTo(106);
        assertThat(layout.getTensors(0).getName()).isEqualTo("stem-cnn1_b");
        assertThat(layout.getTensors(1).getName()).isEqualTo("stem-cnn1_W");
        assertThat(layout.getTensors(1).getShapeList()).containsExactly(64L, 3L, 7L, 7L);
        assertThat(layout.getTensors(1).getExcludeFromLarc()).isFalse();
        assertThat(layout.getTensors(0).getExcludeFromLarc()).isTrue();
        TensorSpec output = layout.getTensors(TestData.index(source, "output_W"));
        assertThat(output.getShapeList()).containsExactly(2048L, (long) CLASSES);
        assertThat(layout.getTensors(TestData.index(source, "stem-batch1_gamma")).getExcludeFromWeightDecay()).isTrue();
        assertThat(ModelBuilders.trainingExtras(source.network())).isEmpty();

        float[][] weights = source.initialWeights();
        TestData.Kept contribution = TestData.kept(source.compute(weights, TestData.plan(0, 0, 0, 2), 0));
        assertThat(contribution.samples()).isEqualTo(2);
        for (int t = 0; t < weights.length; t++) {
            for (float v : contribution.sums()[t]) {
                assertThat(Float.isFinite(v)).as(layout.getTensors(t).getName()).isTrue();
            }
        }
        float[] stemMean = contribution.sums()[TestData.index(source, "stem-batch1_mean")];
        assertThat(stemMean).as("the running mean moved off its initial 0").isNotEqualTo(new float[stemMean.length]);
        float[] outputBias = contribution.sums()[TestData.index(source, "output_b")];
        assertThat(outputBias[0] + outputBias[1]).as("softmax gradients of a bias sum to 0 per sample")
                .isCloseTo(0f, org.assertj.core.api.Assertions.within(1e-4f));
    }
}
