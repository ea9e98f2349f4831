package io.larcps.worker.transport;

import io.larcps.proto.frame.FloatBodies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The per-tensor values a push sends, in one of two forms.
 * <ul>
 *   <li>{@link #of(float[][]) Heap arrays}: each chunk is copied into a kept send buffer just before
 *       it is written.</li>
 *   <li>{@link #direct(ByteBuffer[]) Little-endian floats in direct memory}, such as a gradient
 *       where ND4J left it: each chunk is written from that memory as it lies. Loopback already keeps
 *       both cores of a small machine busy, so a pass over the bytes in user space lengthens a push
 *       (docs/performance.md, session 6).</li>
 * </ul>
 * The tensors are read while a push runs: the caller must not change them until its future completes.
 * Over TCP a chunk of direct values is read until it is in the socket, which is when that future counts
 * it done; a connection in process has no socket copy to spare, so there its chunks are copied into
 * send buffers as heap ones are, and nothing reads the values once the push is complete.
 * Immutable as a list: the arrays and buffers given are held, not copied.
 */
public final class TensorValues {

    private final float[][] arrays;
    private final ByteBuffer[] buffers;
    private final Object owner;

    private TensorValues(float[][] arrays, ByteBuffer[] buffers, Object owner) {
        this.arrays = arrays;
        this.buffers = buffers;
        this.owner = owner;
    }

    /** One array per tensor, in tensor-id order. */
    public static TensorValues of(float[][] arrays) {
        if (arrays == null) {
            throw new IllegalArgumentException("the tensor arrays are null");
        }
        float[][] held = arrays.clone();
        for (int t = 0; t < held.length; t++) {
            if (held[t] == null) {
                throw new IllegalArgumentException("tensor " + t + " has no array");
            }
        }
        return new TensorValues(held, null, null);
    }

    /**
     * One direct buffer per tensor, in tensor-id order: its remaining bytes (position to limit) are the
     * tensor's floats, little-endian, which the buffer's order must say.
     *
     * @throws IllegalArgumentException naming the tensor if a buffer is on the heap, big-endian or
     *     not a whole number of floats
     */
    public static TensorValues direct(ByteBuffer[] buffers) {
        return direct(buffers, null);
    }

    /**
     * As {@link #direct(ByteBuffer[])}, for memory that {@code owner} frees when it is collected (an
     * ND4J array's, say): every chunk still queued for a socket keeps {@code owner} reachable.
     */
    public static TensorValues direct(ByteBuffer[] buffers, Object owner) {
        if (buffers == null) {
            throw new IllegalArgumentException("the tensor buffers are null");
        }
        ByteBuffer[] held = new ByteBuffer[buffers.length];
        for (int t = 0; t < buffers.length; t++) {
            ByteBuffer buffer = buffers[t];
            if (buffer == null || !buffer.isDirect()) {
                throw new IllegalArgumentException("tensor " + t + " is " + (buffer == null ? "null" : "on the heap")
                        + ": direct values must be a direct buffer");
            }
            if (buffer.order() != ByteOrder.LITTLE_ENDIAN) {
                throw new IllegalArgumentException("tensor " + t + "'s buffer is " + buffer.order()
                        + ": the data plane sends little-endian floats");
            }
            if (buffer.remaining() % Float.BYTES != 0) {
                throw new IllegalArgumentException("tensor " + t + " has " + buffer.remaining()
                        + " bytes, not a whole number of floats");
            }
            // The position and limit are fixed here, so the caller's later moves cannot change what is sent.
            held[t] = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        }
        return new TensorValues(null, held, owner);
    }

    public int count() {
        return arrays != null ? arrays.length : buffers.length;
    }

    /** Elements of tensor {@code tensor}. */
    public int length(int tensor) {
        return arrays != null ? arrays[tensor].length : buffers[tensor].capacity() / Float.BYTES;
    }

    /** Whether the values lie in direct memory and are sent without a copy. */
    public boolean isDirect() {
        return buffers != null;
    }

    /** A copy of tensor {@code tensor}'s values. */
    public float[] toArray(int tensor) {
        if (arrays != null) {
            return arrays[tensor].clone();
        }
        float[] copy = new float[length(tensor)];
        buffers[tensor].duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(copy);
        return copy;
    }

    /** A copy of every tensor's values. */
    public float[][] toArrays() {
        float[][] copy = new float[count()][];
        for (int t = 0; t < copy.length; t++) {
            copy[t] = toArray(t);
        }
        return copy;
    }

    /**
     * The body of the chunk {@code [offset, offset + length)} of {@code tensor}; the caller owns one
     * reference. Direct values are wrapped where they lie ({@link HeldChunk}) unless {@code copy};
     * otherwise, and for heap values, they are copied into a buffer from {@code buffers}.
     */
    ByteBuf chunk(int tensor, int offset, int length, PushBuffers buffers, int shard, boolean copy) {
        int bytes = length * Float.BYTES;
        if (bytes == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        if (this.buffers != null && !copy) {
            return new HeldChunk(this.buffers[tensor].slice(offset * Float.BYTES, bytes), owner);
        }
        ByteBuf body = buffers.take(shard, bytes);
        try {
            if (this.buffers != null) {
                body.writeBytes(this.buffers[tensor].slice(offset * Float.BYTES, bytes));
            } else {
                FloatBodies.write(arrays[tensor], offset, length, body);
            }
            return body;
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
    }
}
