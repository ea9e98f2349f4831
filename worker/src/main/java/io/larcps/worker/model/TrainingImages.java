package io.larcps.worker.model;

import io.larcps.worker.data.ImageFolderDataset;
import io.larcps.worker.data.LabelledImages;

/**
 * Labelled images as a gradient source reads them: sample {@code i}'s pixels scaled to [0, 1],
 * channels-first, with whatever augmentation the data applies drawn from a seed the caller derives
 * from the step. Implementations must give the same pixels for the same index and seed.
 */
public interface TrainingImages {

    int count();

    int channels();

    int height();

    int width();

    int classes();

    /** Class of sample {@code index}, in [0, classes). */
    int label(int index);

    /** Writes sample {@code index} ({@code channels x height x width} floats) into {@code target} at {@code offset}. */
    void copyScaled(int index, long augmentationSeed, float[] target, int offset);

    default int pixelsPerImage() {
        return channels() * height() * width();
    }

    /** Images as they are (no augmentation; the seed is ignored). */
    static TrainingImages of(LabelledImages images) {
        return new TrainingImages() {
            @Override
            public int count() {
                return images.count();
            }

            @Override
            public int channels() {
                return images.channels();
            }

            @Override
            public int height() {
                return images.height();
            }

            @Override
            public int width() {
                return images.width();
            }

            @Override
            public int classes() {
                return images.classes();
            }

            @Override
            public int label(int index) {
                return images.labels()[index];
            }

            @Override
            public void copyScaled(int index, long augmentationSeed, float[] target, int offset) {
                images.copyScaled(index, target, offset);
            }
        };
    }

    /** Training crops of an image folder: random crop and left-right flip drawn from the seed. */
    static TrainingImages augmented(ImageFolderDataset folder) {
        return new FolderImages(folder, true);
    }

    /** Centre crops of an image folder, for evaluation (the seed is ignored). */
    static TrainingImages centred(ImageFolderDataset folder) {
        return new FolderImages(folder, false);
    }

    /** An image folder's crops. */
    record FolderImages(ImageFolderDataset folder, boolean augment) implements TrainingImages {
        @Override
        public int count() {
            return folder.count();
        }

        @Override
        public int channels() {
            return ImageFolderDataset.CHANNELS;
        }

        @Override
        public int height() {
            return folder.inputSize();
        }

        @Override
        public int width() {
            return folder.inputSize();
        }

        @Override
        public int classes() {
            return folder.classes();
        }

        @Override
        public int label(int index) {
            return folder.label(index);
        }

        @Override
        public void copyScaled(int index, long augmentationSeed, float[] target, int offset) {
            if (augment) {
                folder.copyAugmented(index, augmentationSeed, target, offset);
            } else {
                folder.copyCentred(index, target, offset);
            }
        }
    }
}
