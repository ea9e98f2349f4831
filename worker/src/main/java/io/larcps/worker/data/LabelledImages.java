package io.larcps.worker.data;

/**
 * Images with class labels, kept as unsigned bytes (a quarter of the memory of floats) and scaled to
 * [0, 1] when a batch is assembled.
 *
 * @param pixels {@code count x channels x height x width}, row-major
 */
public record LabelledImages(int count, int channels, int height, int width, byte[] pixels, byte[] labels, int classes) {

    public int pixelsPerImage() {
        return channels * height * width;
    }

    /** Writes image {@code index}'s pixels, scaled to [0, 1], into {@code target} at {@code offset}. */
    public void copyScaled(int index, float[] target, int offset) {
        int size = pixelsPerImage();
        int start = index * size;
        for (int i = 0; i < size; i++) {
            target[offset + i] = (pixels[start + i] & 0xff) / 255f;
        }
    }
}
