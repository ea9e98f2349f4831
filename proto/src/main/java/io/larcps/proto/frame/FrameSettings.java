package io.larcps.proto.frame;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * Data-plane framing limits, read once from {@code larcps.data-plane} (see reference.conf) so the
 * codec never consults configuration per frame.
 *
 * @param maxFrameBytes largest frame-length field a receiver accepts (bytes after that field)
 * @param chunkBytes largest body a sender puts in one frame
 */
public record FrameSettings(int maxFrameBytes, int chunkBytes) {

    /** The configuration section these settings are read from. */
    public static final String CONFIG_PATH = "larcps.data-plane";

    /**
     * Room reserved for the header-length field and the protobuf header when checking that a full
     * chunk fits in a frame; real headers are well under 100 bytes.
     */
    public static final int HEADER_ALLOWANCE = 4096;

    /** Smallest chunk: one element of the widest dtype (FLOAT64), so every chunk holds at least one element. */
    public static final int MIN_CHUNK_BYTES = Double.BYTES;

    public FrameSettings {
        if (chunkBytes < MIN_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunk-bytes must be at least " + MIN_CHUNK_BYTES + ", got " + chunkBytes);
        }
        if ((long) chunkBytes + HEADER_ALLOWANCE > maxFrameBytes) {
            throw new IllegalArgumentException("chunk-bytes " + chunkBytes + " plus " + HEADER_ALLOWANCE
                    + " bytes for the header must fit in max-frame-bytes " + maxFrameBytes
                    + ", or senders would produce frames their receivers reject");
        }
    }

    /**
     * Reads the settings from {@code config}'s {@value #CONFIG_PATH} section.
     *
     * @throws ConfigException.BadValue naming the key when a value is out of range
     */
    public static FrameSettings fromConfig(Config config) {
        Config section = config.getConfig(CONFIG_PATH);
        int maxFrameBytes = intBytes(section, "max-frame-bytes");
        int chunkBytes = intBytes(section, "chunk-bytes");
        try {
            return new FrameSettings(maxFrameBytes, chunkBytes);
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(section.origin(), CONFIG_PATH, e.getMessage(), e);
        }
    }

    private static int intBytes(Config section, String key) {
        long bytes = section.getBytes(key);
        // Frame lengths are int32 on the wire and Netty buffers are int-indexed.
        if (bytes > Integer.MAX_VALUE) {
            throw new ConfigException.BadValue(section.getValue(key).origin(), CONFIG_PATH + "." + key,
                    bytes + " bytes exceeds the int32 frame-length field");
        }
        return (int) bytes;
    }
}
