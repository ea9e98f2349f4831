package io.larcps.worker.model;

import java.util.Locale;

/** The models a worker can train, by the name users give on the command line or in HOCON. */
public enum Architecture {
    /** 784-256-10 ReLU perceptron for 28x28x1 images ({@link ModelBuilders#mlp}). */
    MLP,
    /** Two conv + BatchNorm + ReLU + max-pool blocks, dense 256, output ({@link ModelBuilders#cnn}). */
    CNN,
    /** DL4J zoo ResNet-50 with a global average pool, for RGB images of 32 px or more ({@link ModelBuilders#resnet50}). */
    RESNET50;

    /** Case-insensitive; accepts {@code resnet-50} and {@code resnet_50} too. */
    public static Architecture parse(String name) {
        String key = name.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (Architecture architecture : values()) {
            if (architecture.name().equals(key)) {
                return architecture;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; expected one of mlp, cnn, resnet50");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
