package io.larcps.proto.frame;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.FrameHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one tensor into frames of at most chunk-bytes of body, so large layers pipeline over the
 * connection instead of occupying it for one long write. Chunks end on element boundaries.
 */
public final class TensorChunker {

    private final int chunkBytes;

    public TensorChunker(FrameSettings settings) {
        this.chunkBytes = settings.chunkBytes();
    }

    /** The largest body a frame gets, in bytes. */
    public int chunkBytes() {
        return chunkBytes;
    }

    /**
     * Frames for the readable bytes of {@code tensor}, whose elements are little-endian values of the
     * template's dtype. Bodies are retained slices of {@code tensor}: nothing is copied and the
     * caller keeps (and still releases) its own reference.
     *
     * @param template kind, job, step, rank, tensor id, dtype and sample count shared by all chunks;
     *     chunk_offset, chunk_length and element_count are filled in here
     * @return at least one frame; an empty tensor gives one frame with an empty body
     */
    public List<TensorFrame> split(FrameHeader template, ByteBuf tensor) {
        int elementBytes = DTypes.byteSize(template.getDtype());
        if (tensor.readableBytes() % elementBytes != 0) {
            throw new IllegalArgumentException(tensor.readableBytes() + " bytes is not a whole number of "
                    + template.getDtype() + " elements");
        }
        int elements = tensor.readableBytes() / elementBytes;
        int perChunk = chunkBytes / elementBytes;
        List<TensorFrame> frames = new ArrayList<>(Math.max(1, (elements + perChunk - 1) / perChunk));
        try {
            int offset = 0;
            do {
                int length = Math.min(perChunk, elements - offset);
                ByteBuf body = tensor.retainedSlice(tensor.readerIndex() + offset * elementBytes, length * elementBytes);
                frames.add(frame(chunkHeader(template, offset, length, elements), body));
                offset += length;
            } while (offset < elements);
            return frames;
        } catch (RuntimeException e) {
            frames.forEach(TensorFrame::release);
            throw e;
        }
    }

    /**
     * Frames for a float32 tensor held on the heap, copied into little-endian buffers from
     * {@code alloc} (one per frame, owned by the frames). The template's dtype is set to FLOAT32.
     */
    public List<TensorFrame> split(FrameHeader template, float[] tensor, ByteBufAllocator alloc) {
        FrameHeader floatTemplate = template.toBuilder().setDtype(DType.FLOAT32).build();
        int perChunk = chunkBytes / Float.BYTES;
        List<TensorFrame> frames = new ArrayList<>(Math.max(1, (tensor.length + perChunk - 1) / perChunk));
        try {
            int offset = 0;
            do {
                int length = Math.min(perChunk, tensor.length - offset);
                ByteBuf body = alloc.buffer(length * Float.BYTES);
                try {
                    FloatBodies.write(tensor, offset, length, body);
                } catch (RuntimeException e) {
                    body.release();
                    throw e;
                }
                frames.add(frame(chunkHeader(floatTemplate, offset, length, tensor.length), body));
                offset += length;
            } while (offset < tensor.length);
            return frames;
        } catch (RuntimeException e) {
            frames.forEach(TensorFrame::release);
            throw e;
        }
    }

    private static FrameHeader chunkHeader(FrameHeader template, long offset, long length, long elements) {
        return template.toBuilder().setChunkOffset(offset).setChunkLength(length).setElementCount(elements).build();
    }

    // A frame that fails its rules never took ownership of the body, so release it here.
    private static TensorFrame frame(FrameHeader header, ByteBuf body) {
        try {
            return new TensorFrame(header, body);
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
    }
}
