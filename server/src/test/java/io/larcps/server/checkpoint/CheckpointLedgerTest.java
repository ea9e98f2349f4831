package io.larcps.server.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckpointLedgerTest {
    private final CheckpointLedger ledger = new CheckpointLedger(2);

    @Test
    void aVersionIsCompleteWhenEveryShardHasWrittenIt() {
        assertThat(ledger.begin(10)).isEqualTo(-1);
        assertThat(ledger.written(1, 10, List.of("tensor-1.weights.npy"))).isEmpty();
        assertThat(ledger.lastComplete()).isEqualTo(-1);
        assertThat(ledger.written(0, 10, List.of("tensor-0.weights.npy", "tensor-0.momentum.npy")))
                .contains(List.of("tensor-0.weights.npy", "tensor-0.momentum.npy", "tensor-1.weights.npy"));
        assertThat(ledger.lastComplete()).isEqualTo(10);
        assertThat(ledger.written(0, 10, List.of("late"))).as("a late report changes nothing").isEmpty();
        assertThat(ledger.lastComplete()).isEqualTo(10);
    }

    @Test
    void aFailedOrUnansweredVersionIsDroppedAndTheLastCompleteOneStays() {
        ledger.begin(10);
        ledger.written(0, 10, List.of("a"));
        ledger.written(1, 10, List.of("b"));
        ledger.begin(20);
        assertThat(ledger.failed(20)).isTrue();
        assertThat(ledger.failed(20)).as("only once").isFalse();
        ledger.begin(30);
        ledger.written(0, 30, List.of("a"));
        assertThat(ledger.begin(40)).as("30 never completed").isEqualTo(30);
        assertThat(ledger.written(1, 30, List.of("b"))).isEqualTo(Optional.empty());
        assertThat(ledger.lastComplete()).isEqualTo(10);
    }

    @Test
    void onlyCheckpointVersionsNewerThanTheLastCompleteOneAreDue() {
        CheckpointSettings every10 = new CheckpointSettings(Optional.of(Path.of("/tmp/c")), 10);
        assertThat(ledger.due(every10, 0)).isTrue();
        assertThat(ledger.due(every10, 5)).isFalse();
        ledger.begin(10);
        ledger.written(0, 10, List.of());
        ledger.written(1, 10, List.of());
        assertThat(ledger.due(every10, 10)).as("written already (a replay passes it again)").isFalse();
        assertThat(ledger.due(every10, 20)).isTrue();
        assertThat(ledger.due(CheckpointSettings.off(), 20)).isFalse();
    }

    @Test
    void aResumedJobStartsFromItsCheckpointWhichIsNotWrittenAgain() {
        CheckpointSettings every10 = new CheckpointSettings(Optional.of(Path.of("/tmp/c")), 10, true);
        ledger.begin(0);
        ledger.resumeFrom(20);
        assertThat(ledger.lastComplete()).isEqualTo(20);
        assertThat(ledger.written(0, 0, List.of("a"))).as("what was being written before is dropped").isEmpty();
        assertThat(ledger.due(every10, 20)).isFalse();
        assertThat(ledger.due(every10, 30)).isTrue();
    }
}
