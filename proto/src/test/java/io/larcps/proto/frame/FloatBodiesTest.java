package io.larcps.proto.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import java.util.Random;

class FloatBodiesTest {

    private final float[] values = randomFloats(3, 1001);

    private static float[] randomFloats(long seed, int count) {
        Random random = new Random(seed);
        float[] floats = new float[count];
        for (int i = 0; i < count; i++) {
            floats[i] = random.nextFloat() * 2 - 1;
        }
        return floats;
    }

    @Test
    void writesLittleEndianIntoAPooledDirectBuffer() {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(400);
        try {
            FloatBodies.write(values, 10, 100, buffer);

            assertThat(buffer.readableBytes()).isEqualTo(400);
            ByteBuffer expected = ByteBuffer.allocate(400).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 10; i < 110; i++) {
                expected.putFloat(values[i]);
            }
            assertThat(bytes(buffer)).isEqualTo(expected.array());
        } finally {
            buffer.release();
        }
    }

    @Test
    void writesIntoACompositeBufferWithoutLosingData() {
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, Unpooled.buffer(8));
        composite.addComponent(true, Unpooled.buffer(0, 64));
        composite.writerIndex(0);
        try {
            FloatBodies.write(values, 0, 5, composite);

            float[] back = new float[5];
            FloatBodies.read(composite, back, 0);
            assertThat(back).containsExactly(values[0], values[1], values[2], values[3], values[4]);
        } finally {
            composite.release();
        }
    }

    @Test
    void readsABodySplitAcrossPiecesThatEndInsideAFloat() {
        byte[] wire = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).array();
        ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        // Pieces of 1, 6, 2, 3 ... bytes: floats straddle every boundary, one piece holds no whole float.
        CompositeByteBuf body = Unpooled.compositeBuffer(64);
        int[] sizes = {1, 6, 2, 3, 1000, 1, 1};
        int at = 0;
        for (int i = 0; at < wire.length; i++) {
            int size = Math.min(sizes[i % sizes.length], wire.length - at);
            body.addComponent(true, Unpooled.wrappedBuffer(wire, at, size));
            at += size;
        }
        try {
            float[] into = new float[values.length + 2];
            FloatBodies.read(body, into, 2);

            assertThat(into).startsWith(0f, 0f);
            assertThat(java.util.Arrays.copyOfRange(into, 2, into.length)).containsExactly(values);
            assertThat(body.readerIndex()).as("the reader index is left alone").isZero();
        } finally {
            body.release();
        }
    }

    private static byte[] bytes(ByteBuf buffer) {
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.getBytes(buffer.readerIndex(), bytes);
        return bytes;
    }
}
