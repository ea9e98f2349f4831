package io.larcps.worker.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Labelled RGB images from a directory with one sub-folder per class (the ImageNet layout):
 * {@code root/<class>/<image>.{png,jpg,jpeg}}. Classes are the sub-folders in sorted name order, so
 * label {@code i} is the {@code i}-th folder name on every worker. Images are decoded with
 * {@code javax.imageio} when the dataset is loaded, their shorter side resized to {@code storedSize}
 * and centre-cropped square, and kept as bytes (3 x storedSize x storedSize each, channels-first).
 *
 * <p>Samples for the network are {@code inputSize x inputSize} crops, scaled to [0, 1]: for training
 * a random crop, mirrored left-right half of the time, drawn from a seed (the caller derives it from
 * the step, so runs are reproducible and no sample's augmentation depends on which worker computes it);
 * for evaluation the centre crop. The default stored size is {@code inputSize * 8 / 7} (256 for 224,
 * as for ImageNet). Everything is held in memory: folders up to a few hundred MB of stored pixels.
 */
public final class ImageFolderDataset {
    /** File name endings read as images (case-insensitive). */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg");
    public static final int CHANNELS = 3;

    private final Path root;
    private final List<String> classNames;
    private final List<Path> files;
    private final int[] labels;
    private final int inputSize;
    private final int storedSize;
    private final byte[] pixels;

    /** Where a crop starts in the stored image, and whether it is mirrored left-right. */
    public record Crop(int x, int y, boolean flipped) {
    }

    private ImageFolderDataset(Path root, List<String> classNames, List<Path> files, int[] labels, int inputSize,
            int storedSize, byte[] pixels) {
        this.root = root;
        this.classNames = classNames;
        this.files = files;
        this.labels = labels;
        this.inputSize = inputSize;
        this.storedSize = storedSize;
        this.pixels = pixels;
    }

    /** Loads {@code root} for crops of {@code inputSize}, storing images at {@code inputSize * 8 / 7}. */
    public static ImageFolderDataset load(Path root, int inputSize) throws IOException {
        return load(root, inputSize, (int) Math.round(inputSize * 8.0 / 7.0));
    }

    /**
     * Loads {@code root}, storing every image at {@code storedSize x storedSize}, for crops of
     * {@code inputSize}; {@code storedSize == inputSize} gives no crop jitter (flips only).
     *
     * @throws IOException naming the folder or file when the folder is missing, has no class folder, a
     *     class folder holds no image, or an image cannot be decoded
     */
    public static ImageFolderDataset load(Path root, int inputSize, int storedSize) throws IOException {
        if (inputSize < 1 || storedSize < inputSize) {
            throw new IllegalArgumentException("need 1 <= inputSize <= storedSize, got inputSize " + inputSize
                    + " and storedSize " + storedSize);
        }
        if (!Files.exists(root)) {
            throw new IOException("image folder " + root + " does not exist");
        }
        if (!Files.isDirectory(root)) {
            throw new IOException("image folder " + root + " is not a directory");
        }
        List<Path> classFolders = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(Files::isDirectory).filter(p -> !hidden(p)).forEach(classFolders::add);
        }
        if (classFolders.isEmpty()) {
            throw new IOException("image folder " + root + " is empty: expected one sub-folder of images per class "
                    + "(" + root + "/<class>/<image>.png|jpg)");
        }
        classFolders.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        List<String> classNames = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        for (int label = 0; label < classFolders.size(); label++) {
            Path folder = classFolders.get(label);
            List<Path> images = new ArrayList<>();
            try (Stream<Path> entries = Files.list(folder)) {
                entries.filter(Files::isRegularFile).filter(p -> !hidden(p)).filter(ImageFolderDataset::isImage)
                        .forEach(images::add);
            }
            if (images.isEmpty()) {
                throw new IOException("class folder " + folder + " of image folder " + root + " holds no image (*."
                        + String.join(", *.", EXTENSIONS.stream().sorted().toList()) + ")");
            }
            images.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
            classNames.add(folder.getFileName().toString());
            for (Path image : images) {
                files.add(image);
                labelList.add(label);
            }
        }
        long perImage = (long) CHANNELS * storedSize * storedSize;
        if (perImage * files.size() > Integer.MAX_VALUE - 16) {
            throw new IOException("image folder " + root + ": " + files.size() + " images of " + storedSize + " px need "
                    + perImage * files.size() + " bytes, more than one array holds; use a smaller size or split the folder");
        }
        byte[] pixels = new byte[(int) (perImage * files.size())];
        try {
            IntStream.range(0, files.size()).parallel().forEach(i -> {
                try {
                    decodeInto(files.get(i), storedSize, pixels, (int) (i * perImage));
                } catch (IOException e) {
                    throw new UncheckedIOException(new IOException("image folder " + root + ": " + e.getMessage(), e));
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        int[] labels = labelList.stream().mapToInt(Integer::intValue).toArray();
        return new ImageFolderDataset(root, Collections.unmodifiableList(classNames), List.copyOf(files), labels,
                inputSize, storedSize, pixels);
    }

    private static boolean hidden(Path path) {
        return path.getFileName().toString().startsWith(".");
    }

    private static boolean isImage(Path path) {
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Decodes, resizes the shorter side to {@code size}, centre-crops square, writes RGB planes. */
    private static void decodeInto(Path file, int size, byte[] target, int offset) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot decode image " + file + ": " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException("cannot decode image " + file + ": not a PNG or JPEG file javax.imageio can read");
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new IOException("cannot decode image " + file + ": it has no pixels");
        }
        BufferedImage square = resizeAndCrop(image, size);
        int plane = size * size;
        int[] rgb = square.getRGB(0, 0, size, size, null, 0, size);
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            target[offset + i] = (byte) (p >>> 16);
            target[offset + plane + i] = (byte) (p >>> 8);
            target[offset + 2 * plane + i] = (byte) p;
        }
    }

    /**
     * Scales so the shorter side is {@code size} and takes the centre square. Downscaling halves
     * repeatedly with bilinear filtering first, so large reductions do not alias.
     */
    static BufferedImage resizeAndCrop(BufferedImage image, int size) {
        BufferedImage current = toRgb(image);
        int width = current.getWidth();
        int height = current.getHeight();
        double scale = size / (double) Math.min(width, height);
        int targetWidth = Math.max(size, (int) Math.round(width * scale));
        int targetHeight = Math.max(size, (int) Math.round(height * scale));
        while (width / 2 >= targetWidth && height / 2 >= targetHeight) {
            width /= 2;
            height /= 2;
            current = draw(current, width, height, 0, 0, width, height);
        }
        int x = (targetWidth - size) / 2;
        int y = (targetHeight - size) / 2;
        return draw(current, size, size, -x, -y, targetWidth, targetHeight);
    }

    private static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        return draw(image, image.getWidth(), image.getHeight(), 0, 0, image.getWidth(), image.getHeight());
    }

    private static BufferedImage draw(BufferedImage source, int canvasWidth, int canvasHeight, int x, int y, int width,
            int height) {
        BufferedImage canvas = new BufferedImage(canvasWidth, canvasHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, x, y, width, height, null);
        } finally {
            g.dispose();
        }
        return canvas;
    }

    public Path root() {
        return root;
    }

    /** Class folder names in label order. */
    public List<String> classNames() {
        return classNames;
    }

    public int classes() {
        return classNames.size();
    }

    public int count() {
        return files.size();
    }

    public int label(int index) {
        return labels[index];
    }

    public Path file(int index) {
        return files.get(index);
    }

    /** Side of the crops handed to the network. */
    public int inputSize() {
        return inputSize;
    }

    /** Side of the images as stored. */
    public int storedSize() {
        return storedSize;
    }

    public int pixelsPerSample() {
        return CHANNELS * inputSize * inputSize;
    }

    /** The stored image {@code index}: {@code 3 x storedSize x storedSize} unsigned bytes, channels-first (a copy). */
    public byte[] storedPixels(int index) {
        int size = CHANNELS * storedSize * storedSize;
        byte[] copy = new byte[size];
        System.arraycopy(pixels, index * size, copy, 0, size);
        return copy;
    }

    /** The training crop of sample {@code index} for {@code seed}: the same for the same seed and index. */
    public Crop randomCrop(int index, long seed) {
        SplittableRandom random = new SplittableRandom(mix(seed ^ mix(index + 0x632BE59BD9B4E019L)));
        int range = storedSize - inputSize + 1;
        return new Crop(random.nextInt(range), random.nextInt(range), random.nextBoolean());
    }

    /** The evaluation crop: the centre, not mirrored. */
    public Crop centreCrop() {
        int start = (storedSize - inputSize) / 2;
        return new Crop(start, start, false);
    }

    /** Writes sample {@code index}'s training crop for {@code seed}, scaled to [0, 1], channels-first. */
    public void copyAugmented(int index, long seed, float[] target, int offset) {
        copyCrop(index, randomCrop(index, seed), target, offset);
    }

    /** Writes sample {@code index}'s centre crop, scaled to [0, 1], channels-first. */
    public void copyCentred(int index, float[] target, int offset) {
        copyCrop(index, centreCrop(), target, offset);
    }

    /** Writes {@code crop} of sample {@code index}, scaled to [0, 1], as {@code 3 x inputSize x inputSize}. */
    public void copyCrop(int index, Crop crop, float[] target, int offset) {
        if (crop.x() < 0 || crop.y() < 0 || crop.x() + inputSize > storedSize || crop.y() + inputSize > storedSize) {
            throw new IllegalArgumentException(crop + " leaves the stored " + storedSize + " px image");
        }
        int storedPlane = storedSize * storedSize;
        int start = index * CHANNELS * storedPlane;
        int out = offset;
        for (int c = 0; c < CHANNELS; c++) {
            for (int row = 0; row < inputSize; row++) {
                int from = start + c * storedPlane + (crop.y() + row) * storedSize + crop.x();
                if (crop.flipped()) {
                    for (int col = inputSize - 1; col >= 0; col--) {
                        target[out++] = (pixels[from + col] & 0xff) / 255f;
                    }
                } else {
                    for (int col = 0; col < inputSize; col++) {
                        target[out++] = (pixels[from + col] & 0xff) / 255f;
                    }
                }
            }
        }
    }

    /**
     * The centre crops as {@link LabelledImages} (for evaluation, or anything that takes Fashion-MNIST
     * shaped data). Its labels are bytes, so at most 127 classes.
     */
    public LabelledImages centreCropped() {
        if (classes() > Byte.MAX_VALUE) {
            throw new IllegalStateException("image folder " + root + " has " + classes()
                    + " classes; LabelledImages holds at most 127");
        }
        int size = pixelsPerSample();
        byte[] crops = new byte[count() * size];
        Crop centre = centreCrop();
        int storedPlane = storedSize * storedSize;
        for (int i = 0; i < count(); i++) {
            int start = i * CHANNELS * storedPlane;
            int out = i * size;
            for (int c = 0; c < CHANNELS; c++) {
                for (int row = 0; row < inputSize; row++) {
                    System.arraycopy(pixels, start + c * storedPlane + (centre.y() + row) * storedSize + centre.x(), crops,
                            out, inputSize);
                    out += inputSize;
                }
            }
        }
        byte[] byteLabels = new byte[count()];
        for (int i = 0; i < count(); i++) {
            byteLabels[i] = (byte) labels[i];
        }
        return new LabelledImages(count(), CHANNELS, inputSize, inputSize, crops, byteLabels, classes());
    }

    /** SplitMix64's finaliser: spreads nearby seeds (step t, t+1) over the whole range. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "image folder " + root + ": " + count() + " images in " + classes() + " classes, stored at " + storedSize
                + " px, crops of " + inputSize + " px";
    }
}
