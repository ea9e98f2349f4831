package io.larcps.proto.frame;

import io.larcps.proto.control.DType;

/** Byte sizes of the element types, the one fact the data plane needs to size a tensor body. */
public final class DTypes {

    private DTypes() {
    }

    /**
     * Bytes per element of {@code dtype}.
     *
     * @throws IllegalArgumentException for {@code DTYPE_UNSPECIFIED} or a value this build does not
     *     know, because a body of unknown element size cannot be checked or read
     */
    public static int byteSize(DType dtype) {
        // An exhaustive switch: adding a DType to control.proto fails compilation here until sized.
        return switch (dtype) {
            case FLOAT32 -> Float.BYTES;
            case BFLOAT16, FLOAT16 -> 2;
            case FLOAT64 -> Double.BYTES;
            case DTYPE_UNSPECIFIED, UNRECOGNIZED ->
                    throw new IllegalArgumentException("dtype " + dtype + " has no element size");
        };
    }

    /** True for the element types a frame may carry: everything but unspecified or unknown values. */
    public static boolean isKnown(DType dtype) {
        return dtype != DType.DTYPE_UNSPECIFIED && dtype != DType.UNRECOGNIZED;
    }
}
