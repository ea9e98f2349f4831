package io.larcps.server.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AsynchronousClocksTest {

    @Test
    void stalenessZeroIsLockStep() {
        AsynchronousClocks clocks = new AsynchronousClocks(2, 0, 3);
        assertThat(clocks.startable()).containsExactly(0, 1);
        clocks.started(0);
        clocks.started(1);
        clocks.finished(0);
        assertThat(clocks.startable()).as("rank 0 waits for rank 1").isEmpty();
        clocks.finished(1);
        assertThat(clocks.startable()).containsExactly(0, 1);
        assertThat(clocks.next(0)).isEqualTo(1);
    }

    @Test
    void noWorkerEverRunsMoreThanTheBoundAheadOfTheSlowest() {
        Random random = new Random(5);
        for (long staleness : new long[] {0, 1, 3}) {
            AsynchronousClocks clocks = new AsynchronousClocks(4, staleness, 20);
            boolean[] running = new boolean[4];
            int rounds = 0;
            while (!clocks.allDone() && rounds++ < 10_000) {
                for (int rank : clocks.startable()) {
                    assertThat(clocks.next(rank) - clocks.slowest()).isLessThanOrEqualTo(staleness);
                    clocks.started(rank);
                    running[rank] = true;
                }
                int rank = random.nextInt(4);
                if (running[rank]) {
                    assertThat(clocks.inFlight(rank, clocks.next(rank))).isTrue();
                    clocks.finished(rank);
                    running[rank] = false;
                }
            }
            assertThat(clocks.allDone()).isTrue();
            assertThat(clocks.startable()).isEmpty();
        }
    }

    @Test
    void unboundedLetsAFastWorkerFinishFirst() {
        AsynchronousClocks clocks = new AsynchronousClocks(2, Long.MAX_VALUE, 5);
        for (int step = 0; step < 5; step++) {
            assertThat(clocks.startable()).contains(0);
            clocks.started(0);
            clocks.finished(0);
        }
        assertThat(clocks.next(0)).isEqualTo(5);
        assertThat(clocks.slowest()).isZero();
        assertThat(clocks.startable()).containsExactly(1);
    }
}
