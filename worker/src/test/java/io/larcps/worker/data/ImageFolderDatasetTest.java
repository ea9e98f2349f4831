package io.larcps.worker.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {

    /** Writes a {@code width x height} image whose pixel (x, y) is {@code rgb.at(x, y)}. */
    static void write(Path file, String format, int width, int height, PixelFunction rgb) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb.at(x, y));
            }
        }
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(image, format, file.toFile())).isTrue();
    }

    interface PixelFunction {
        int at(int x, int y);
    }

    private static int rgb(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }

    /** Two classes, written in reverse name order: labels must follow sorted folder names. */
    private static Path twoClasses(Path root) throws IOException {
        write(root.resolve("zebra/b.png"), "png", 12, 12, (x, y) -> rgb(0, 0, 255));
        write(root.resolve("zebra/a.png"), "png", 12, 12, (x, y) -> rgb(0, 255, 0));
        write(root.resolve("apple/only.png"), "png", 12, 12, (x, y) -> rgb(255, 0, 0));
        Files.writeString(root.resolve("apple/notes.txt"), "not an image");
        Files.writeString(root.resolve("README"), "ignored: not a folder");
        return root;
    }

    @Test
    void labelsFollowSortedFolderNamesAndPixelsAreRgbChannelsFirst(@TempDir Path dir) throws IOException {
        ImageFolderDataset data = ImageFolderDataset.load(twoClasses(dir), 8, 10);
        assertThat(data.classNames()).containsExactly("apple", "zebra");
        assertThat(data.count()).isEqualTo(3);
        assertThat(data.label(0)).isZero();
        assertThat(data.file(0).getFileName()).hasToString("only.png");
        assertThat(data.label(1)).isEqualTo(1);
        assertThat(data.file(1).getFileName()).hasToString("a.png");
        assertThat(data.file(2).getFileName()).hasToString("b.png");

        float[] sample = new float[data.pixelsPerSample()];
        assertThat(sample).hasSize(3 * 8 * 8);
        data.copyCentred(0, sample, 0); // red
        assertThat(sample[0]).isEqualTo(1f);
        assertThat(sample[64]).isZero();
        assertThat(sample[128]).isZero();
        data.copyAugmented(1, 99, sample, 0); // green
        assertThat(sample[5]).isZero();
        assertThat(sample[64 + 5]).isEqualTo(1f);

        LabelledImages centre = data.centreCropped();
        assertThat(centre.count()).isEqualTo(3);
        assertThat(centre.channels()).isEqualTo(3);
        assertThat(centre.height()).isEqualTo(8);
        assertThat(centre.labels()).containsExactly(0, 1, 1);
        float[] fromLabelled = new float[centre.pixelsPerImage()];
        centre.copyScaled(2, fromLabelled, 0);
        data.copyCentred(2, sample, 0);
        assertThat(fromLabelled).containsExactly(sample);
    }

    @Test
    void imagesAreResizedByTheirShorterSideAndCentreCropped(@TempDir Path dir) throws IOException {
        // 40x20: left quarter black, the rest white up to the right quarter, which is black again.
        write(dir.resolve("c/wide.png"), "png", 40, 20, (x, y) -> x < 10 || x >= 30 ? 0 : rgb(255, 255, 255));
        write(dir.resolve("c/photo.jpg"), "jpg", 30, 30, (x, y) -> rgb(200, 100, 50));
        ImageFolderDataset data = ImageFolderDataset.load(dir, 10, 10);
        byte[] wide = data.storedPixels(1);
        assertThat(data.file(1).getFileName()).hasToString("wide.png");
        // Scaled to 20x10, the centre 10x10 is the white middle half of the original.
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 100; i++) {
                assertThat(wide[c * 100 + i] & 0xff).as("channel %d pixel %d", c, i).isGreaterThan(200);
            }
        }
        float[] photo = new float[data.pixelsPerSample()];
        data.copyCentred(0, photo, 0);
        assertThat((double) photo[0]).isCloseTo(200 / 255.0, within(0.05)); // JPEG is lossy
        assertThat((double) photo[100]).isCloseTo(100 / 255.0, within(0.05));
        assertThat((double) photo[200]).isCloseTo(50 / 255.0, within(0.05));
    }

    @Test
    void cropsAndFlipsAreReproducibleForASeed(@TempDir Path dir) throws IOException {
        write(dir.resolve("a/gradient.png"), "png", 16, 16, (x, y) -> rgb(x * 16, y * 16, (x + y) * 8));
        ImageFolderDataset data = ImageFolderDataset.load(dir, 12, 16);
        float[] first = new float[data.pixelsPerSample()];
        float[] second = new float[data.pixelsPerSample()];
        data.copyAugmented(0, 1234, first, 0);
        data.copyAugmented(0, 1234, second, 0);
        assertThat(second).containsExactly(first);
        assertThat(data.randomCrop(0, 1234)).isEqualTo(data.randomCrop(0, 1234));

        Set<ImageFolderDataset.Crop> crops = new HashSet<>();
        Set<Boolean> flips = new HashSet<>();
        for (long seed = 0; seed < 64; seed++) {
            ImageFolderDataset.Crop crop = data.randomCrop(0, seed);
            assertThat(crop.x()).isBetween(0, 4);
            assertThat(crop.y()).isBetween(0, 4);
            crops.add(crop);
            flips.add(crop.flipped());
        }
        assertThat(crops.size()).isGreaterThan(10);
        assertThat(flips).containsExactlyInAnyOrder(true, false);

        // A flipped crop is the mirror image of the same window unflipped.
        float[] plain = new float[data.pixelsPerSample()];
        float[] mirrored = new float[data.pixelsPerSample()];
        data.copyCrop(0, new ImageFolderDataset.Crop(3, 1, false), plain, 0);
        data.copyCrop(0, new ImageFolderDataset.Crop(3, 1, true), mirrored, 0);
        for (int c = 0; c < 3; c++) {
            for (int row = 0; row < 12; row++) {
                for (int col = 0; col < 12; col++) {
                    assertThat(mirrored[(c * 12 + row) * 12 + col]).isEqualTo(plain[(c * 12 + row) * 12 + 11 - col]);
                }
            }
        }
        // The window starts where it says: pixel (0, 0) of crop (3, 1) is stored pixel (3, 1).
        byte[] stored = data.storedPixels(0);
        assertThat(plain[0]).isEqualTo((stored[16 + 3] & 0xff) / 255f);
        assertThatThrownBy(() -> data.copyCrop(0, new ImageFolderDataset.Crop(5, 0, false), plain, 0))
                .hasMessageContaining("leaves the stored 16 px image");
    }

    @Test
    void missingEmptyAndCorruptFoldersNameTheCulprit(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nowhere");
        assertThatThrownBy(() -> ImageFolderDataset.load(missing, 8)).isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> ImageFolderDataset.load(empty, 8)).isInstanceOf(IOException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining("is empty");

        Path noImages = dir.resolve("no-images");
        write(noImages.resolve("good/x.png"), "png", 8, 8, (x, y) -> 0);
        Files.createDirectories(noImages.resolve("hollow"));
        Files.writeString(noImages.resolve("hollow/readme.txt"), "no pictures here");
        assertThatThrownBy(() -> ImageFolderDataset.load(noImages, 8)).isInstanceOf(IOException.class)
                .hasMessageContaining(noImages.resolve("hollow").toString()).hasMessageContaining("holds no image");

        Path corrupt = dir.resolve("corrupt");
        write(corrupt.resolve("cats/fine.png"), "png", 8, 8, (x, y) -> 0);
        Files.write(corrupt.resolve("cats/broken.png"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThatThrownBy(() -> ImageFolderDataset.load(corrupt, 8)).isInstanceOf(IOException.class)
                .hasMessageContaining(corrupt.toString()).hasMessageContaining("broken.png")
                .hasMessageContaining("cannot decode");

        Path truncated = dir.resolve("truncated");
        write(truncated.resolve("dogs/whole.png"), "png", 32, 32, (x, y) -> rgb(x * 8, y * 8, 0));
        byte[] whole = Files.readAllBytes(truncated.resolve("dogs/whole.png"));
        Files.write(truncated.resolve("dogs/half.png"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> ImageFolderDataset.load(truncated, 8)).isInstanceOf(IOException.class)
                .hasMessageContaining("half.png").hasMessageContaining("cannot decode");

        Path notAFolder = Files.writeString(dir.resolve("file.txt"), "x");
        assertThatThrownBy(() -> ImageFolderDataset.load(notAFolder, 8)).hasMessageContaining("not a directory");
        assertThatThrownBy(() -> ImageFolderDataset.load(dir, 8, 7)).isInstanceOf(IllegalArgumentException.class);
    }
}
