package io.larcps.proto.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeptSlabsTest {

    @Test
    void aSlabIsReusedOnlyOnceItsPiecesAreReleasedAndNoCursorFillsIt() {
        try (KeptSlabs slabs = new KeptSlabs(128, 4)) {
            SlabCursor first = new SlabCursor(slabs);
            SlabCursor second = new SlabCursor(slabs);
            ByteBuf a = first.take(64);
            ByteBuf b = second.take(64);
            assertThat(slabs.kept()).as("a slab being filled is never handed to another cursor").isEqualTo(2);
            a.writeLong(1);
            b.writeLong(2);
            assertThat(a.getLong(0)).isEqualTo(1);
            long firstSlab = a.memoryAddress();
            a.release();
            ByteBuf whileFirstStillFills = second.take(128);
            assertThat(slabs.kept()).as("the first cursor still fills its slab").isEqualTo(3);
            first.close();
            ByteBuf c = second.take(128);
            assertThat(c.memoryAddress()).as("the first cursor's slab is free again").isEqualTo(firstSlab);
            assertThat(slabs.kept()).isEqualTo(3);
            List.of(b, whileFirstStillFills, c).forEach(ByteBuf::release);
            second.close();
        }
    }

    @Test
    void aCursorStartsItsSlabOverOnceEveryPieceIsReleased() {
        try (KeptSlabs slabs = new KeptSlabs(128, 4)) {
            SlabCursor cursor = new SlabCursor(slabs);
            ByteBuf first = cursor.take(100);
            long start = first.memoryAddress();
            first.release();
            ByteBuf again = cursor.take(100);
            assertThat(again.memoryAddress()).isEqualTo(start);
            assertThat(slabs.kept()).isEqualTo(1);
            again.release();
            cursor.close();
        }
    }

    @Test
    void pastTheBoundOrLargerThanASlabThereIsNoPiece() {
        try (KeptSlabs slabs = new KeptSlabs(64, 1)) {
            SlabCursor cursor = new SlabCursor(slabs);
            assertThat(cursor.take(65)).isNull();
            ByteBuf held = cursor.take(64);
            assertThat(cursor.take(1)).isNull();
            held.release();
            ByteBuf again = cursor.take(1);
            assertThat(again).isNotNull();
            again.release();
            cursor.close();
        }
    }

    @Test
    void closingFreesIdleSlabsAtOnceAndTheRestWithTheirLastHolder() {
        KeptSlabs slabs = new KeptSlabs(64, 4);
        SlabCursor filling = new SlabCursor(slabs);
        ByteBuf piece = filling.take(8);
        SlabCursor idle = new SlabCursor(slabs);
        ByteBuf idlePiece = idle.take(64);
        ByteBuf idleSlab = idlePiece.unwrap();
        ByteBuf fillingSlab = piece.unwrap();
        assertThat(idleSlab).isNotSameAs(fillingSlab);
        idlePiece.release();
        idle.close();

        slabs.close();
        assertThat(idleSlab.refCnt()).isZero();
        assertThat(fillingSlab.refCnt()).as("the piece and the cursor still hold it").isEqualTo(2);
        assertThat(new SlabCursor(slabs).take(8)).as("a closed pool hands out nothing").isNull();
        piece.release();
        filling.close();
        assertThat(fillingSlab.refCnt()).isZero();
    }
}
