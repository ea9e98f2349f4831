package io.larcps.worker.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies per-tensor float arrays into and out of a network's flat parameter or gradient vector, one
 * bulk copy per tensor and no ND4J allocation. Tensors are in {@code paramTable()} order. DL4J keeps
 * every parameter as a contiguous segment of the flat vector (the gradient vector has the same
 * segments), in 'c' order (convolution weights) or in 'f' order (dense weights {@code [nIn, nOut]}).
 * The arrays on this side keep each segment's own order, which the layout records per tensor
 * ({@code column_major}), so nothing is transposed on the way in or out.
 */
final class FlatTensors {
    private final String[] names;
    private final int[] offsets;
    private final int[] lengths;
    /** Whether a segment is an 'f'-ordered matrix (else it is a 'c' segment). */
    private final boolean[] columnMajor;
    private final int totalLength;

    FlatTensors(Map<String, INDArray> paramTable, INDArray flat) {
        int count = paramTable.size();
        names = new String[count];
        offsets = new int[count];
        lengths = new int[count];
        columnMajor = new boolean[count];
        checkFlat(flat, "parameter");
        long address = flat.data().address();
        int i = 0;
        for (Map.Entry<String, INDArray> entry : paramTable.entrySet()) {
            INDArray view = entry.getValue();
            names[i] = entry.getKey();
            lengths[i] = Math.toIntExact(view.length());
            if (view.data().address() != address) {
                throw new IllegalStateException("parameter " + entry.getKey() + " is not a view of the flat parameter vector");
            }
            offsets[i] = Math.toIntExact(view.offset() - flat.offset());
            columnMajor[i] = isColumnMajorMatrix(view);
            if (!columnMajor[i] && !isCContiguous(view)) {
                throw new IllegalStateException("parameter " + entry.getKey() + " has shape " + Arrays.toString(view.shape())
                        + ", order " + view.ordering() + " and strides " + Arrays.toString(view.stride())
                        + ", which is neither a 'c' segment nor an 'f' matrix");
            }
            i++;
        }
        // The table's order need not be the flat order (a ComputationGraph lists its layers in another
        // order than it lays them out); the segments must still tile the flat vector exactly.
        Integer[] byOffset = new Integer[count];
        for (int t = 0; t < count; t++) {
            byOffset[t] = t;
        }
        Arrays.sort(byOffset, (a, b) -> Integer.compare(offsets[a], offsets[b]));
        long next = 0;
        for (int t : byOffset) {
            if (offsets[t] != next) {
                throw new IllegalStateException("parameter " + names[t] + " starts at flat element " + offsets[t]
                        + " where " + next + " was expected: the parameter views do not tile the flat vector");
            }
            next += lengths[t];
        }
        totalLength = Math.toIntExact(next);
        if (totalLength != flat.length()) {
            throw new IllegalStateException("the parameters cover " + totalLength + " of " + flat.length() + " flat elements");
        }
    }

    /**
     * Checks that {@code table} (the gradient views, say) lays its tensors out in {@code flat} exactly as
     * the parameters are laid out in theirs.
     */
    void checkSameLayout(Map<String, INDArray> table, INDArray flat, String what) {
        for (int t = 0; t < names.length; t++) {
            INDArray view = table.get(names[t]);
            if (view == null) {
                throw new IllegalStateException("the " + what + " has no " + names[t]);
            }
            boolean sameOrder = columnMajor[t] ? isColumnMajorMatrix(view) : isCContiguous(view);
            if (view.data().address() != flat.data().address() || view.offset() - flat.offset() != offsets[t]
                    || view.length() != lengths[t] || !sameOrder) {
                throw new IllegalStateException("the " + what + " of " + names[t] + " is not laid out like the parameter"
                        + " (offset " + (view.offset() - flat.offset()) + " vs " + offsets[t] + ", order " + view.ordering() + ")");
            }
        }
    }

    /** A contiguous 'f'-ordered matrix that is not also a contiguous 'c' one (a row or column vector is both). */
    static boolean isColumnMajorMatrix(INDArray view) {
        return view.rank() == 2 && isFContiguous(view) && !isCContiguous(view);
    }

    private static boolean isCContiguous(INDArray view) {
        long expected = 1;
        for (int d = view.rank() - 1; d >= 0; d--) {
            if (view.size(d) != 1 && view.stride(d) != expected) {
                return false;
            }
            expected *= view.size(d);
        }
        return true;
    }

    private static boolean isFContiguous(INDArray view) {
        long expected = 1;
        for (int d = 0; d < view.rank(); d++) {
            if (view.size(d) != 1 && view.stride(d) != expected) {
                return false;
            }
            expected *= view.size(d);
        }
        return true;
    }

    private static void checkFlat(INDArray flat, String what) {
        if (flat == null) {
            throw new IllegalStateException("the network has no flat " + what + " vector (was init() called?)");
        }
        if (flat.length() > Integer.MAX_VALUE) {
            throw new IllegalStateException("flat " + what + " vector of " + flat.length() + " elements is too long");
        }
    }

    int count() {
        return names.length;
    }

    String name(int tensor) {
        return names[tensor];
    }

    int length(int tensor) {
        return lengths[tensor];
    }

    /** Whether tensor {@code tensor}'s elements are in column-major order for its shape. */
    boolean columnMajor(int tensor) {
        return columnMajor[tensor];
    }

    /** A direct buffer over {@code flat}'s elements (index 0 = the flat vector's first element). */
    FloatBuffer buffer(INDArray flat) {
        checkFlat(flat, "");
        if (flat.length() != totalLength) {
            throw new IllegalArgumentException("flat vector of " + flat.length() + " elements, expected " + totalLength);
        }
        FloatBuffer whole = flat.data().asNioFloat();
        whole.position(Math.toIntExact(flat.offset()));
        return whole.slice();
    }

    /**
     * Little-endian bytes over {@code flat}'s floats, in ND4J's own memory (byte 0 = the flat vector's
     * first element): what a push can send without a copy.
     *
     * @throws IllegalStateException if the vector is not FLOAT32 or the host is big-endian (ND4J keeps
     *     its buffers in the host's order; the data plane is little-endian)
     */
    ByteBuffer bytes(INDArray flat) {
        checkFlat(flat, "");
        if (flat.length() != totalLength) {
            throw new IllegalArgumentException("flat vector of " + flat.length() + " elements, expected " + totalLength);
        }
        if (flat.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("the flat vector is " + flat.dataType() + "; larc-ps sends FLOAT32");
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("this host is big-endian; ND4J's buffers would need a byte swap for the data plane");
        }
        ByteBuffer whole = flat.data().asNio();
        whole.position(Math.toIntExact(flat.offset() * Float.BYTES));
        return whole.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Tensor {@code t}'s segment of {@link #bytes}, little-endian. */
    ByteBuffer segment(int t, ByteBuffer flatBytes) {
        return flatBytes.slice(offsets[t] * Float.BYTES, lengths[t] * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes every tensor of {@code values} (each in its segment's order) into the flat vector behind {@code target}. */
    void write(float[][] values, FloatBuffer target, INDArray flat) {
        if (values.length != names.length) {
            throw new IllegalArgumentException(values.length + " tensors given, the network has " + names.length);
        }
        for (int t = 0; t < names.length; t++) {
            float[] value = values[t];
            if (value == null || value.length != lengths[t]) {
                throw new IllegalArgumentException("tensor " + t + " (" + names[t] + ") has "
                        + (value == null ? "no array" : value.length + " elements") + ", expected " + lengths[t]);
            }
            target.put(offsets[t], value);
        }
        Nd4j.getAffinityManager().tagLocation(flat, AffinityManager.Location.HOST);
    }

    /** Reads tensor {@code t} (in its segment's order) out of the flat vector behind {@code source}. */
    void read(int t, FloatBuffer source, float[] into) {
        source.get(offsets[t], into, 0, lengths[t]);
    }

    /** Every tensor, each in its segment's order, in new arrays. */
    float[][] readAll(FloatBuffer source) {
        float[][] values = new float[names.length][];
        for (int t = 0; t < names.length; t++) {
            values[t] = new float[lengths[t]];
            read(t, source, values[t]);
        }
        return values;
    }
}
