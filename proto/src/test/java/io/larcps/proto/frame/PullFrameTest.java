package io.larcps.proto.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class PullFrameTest {

    private static FrameHeader pull(int shard, long version) {
        return FrameHeader.newBuilder().setKind(FrameKind.PULL_WEIGHTS).setJobId("job-1").setStep(version)
                .setSenderRank(1).setShard(shard).build();
    }

    @Test
    void aPullCarriesNoBodyAndNamesItsShard() {
        TensorFrame frame = new TensorFrame(pull(2, 5), Unpooled.EMPTY_BUFFER);
        assertThat(frame.header().getShard()).isEqualTo(2);
        assertThat(frame.body().readableBytes()).isZero();
    }

    @Test
    void aPullWithABodyOrANegativeShardIsRefused() {
        assertThatThrownBy(() -> new TensorFrame(pull(0, 5), Unpooled.wrappedBuffer(new byte[4])))
                .isInstanceOf(InvalidFrameException.class).hasMessageContaining("PULL_WEIGHTS");
        assertThatThrownBy(() -> new TensorFrame(pull(-1, 5), Unpooled.EMPTY_BUFFER))
                .isInstanceOf(InvalidFrameException.class).hasMessageContaining("shard");
    }
}
