package io.larcps.bench.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.larcps.server.shard.ParameterShard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundEventsTest {

    @Test
    void roundsRunFromCompletionToCompletionSplitAtTheWorkersMeanStart() {
        RoundEvents events = new RoundEvents();
        // step s completes at s * 100 ms; workers start step s at 20 and 30 ms after step s-1 completed
        for (long s = 0; s < 4; s++) {
            events.stepCompleted(s, s * 100_000_000L);
            events.stepStarted(0, s, (s - 1) * 100_000_000L + 20_000_000L);
            events.stepStarted(1, s, (s - 1) * 100_000_000L + 30_000_000L);
        }
        RoundEvents.Rounds rounds = events.rounds(1, 3);
        assertThat(rounds.roundMs()).containsExactly(100.0, 100.0, 100.0);
        assertThat(rounds.pullMs()).allSatisfy(ms -> assertThat(ms).isCloseTo(25.0, within(1e-9)));
        assertThat(rounds.pushMs()).allSatisfy(ms -> assertThat(ms).isCloseTo(75.0, within(1e-9)));
    }

    @Test
    void eventLinesRoundTripAndOtherLinesAreIgnored() {
        RoundEvents events = new RoundEvents();
        assertThat(events.parse("12:00:01 INFO something else")).isFalse();
        assertThat(events.parse(RoundEvents.completedLine(0, 1_000_000L))).isTrue();
        assertThat(events.parse("prefix " + RoundEvents.completedLine(1, 5_000_000L))).isTrue();
        assertThat(events.parse(RoundEvents.startedLine(0, 1, 2_000_000L))).isTrue();
        RoundEvents.Rounds rounds = events.rounds(1, 1);
        assertThat(rounds.roundMs()).containsExactly(4.0);
        assertThat(rounds.pullMs()).containsExactly(1.0);
        assertThat(rounds.pushMs()).containsExactly(3.0);
        assertThat(events.completedAt(1)).contains(5_000_000L);
    }

    @Test
    void aNodesIntakeRunsFromTheFirstWorkersStartToTheLastOfItsShardsGathering() {
        RoundEvents events = new RoundEvents();
        events.stepStarted(0, 1, 20_000_000L);
        events.stepStarted(1, 1, 10_000_000L);
        events.stepGathered(0, 1, 30_000_000L, 60_000_000L);
        events.stepGathered(1, 1, 25_000_000L, 75_000_000L);
        assertThat(events.parse(RoundEvents.gatheredLine(2, 1, 40_000_000L, 95_000_000L))).isTrue();
        Map<Integer, String> nodes = Map.of(0, "a", 1, "a", 2, "b");
        Map<String, List<Double>> intake = events.intakeMs(nodes, 1, 1);
        assertThat(intake.get("a")).singleElement().satisfies(ms -> assertThat(ms).isCloseTo(65.0, within(1e-9)));
        assertThat(intake.get("b")).singleElement().satisfies(ms -> assertThat(ms).isCloseTo(85.0, within(1e-9)));
        // the first chunk at any of a node's shards
        Map<String, List<Double>> first = events.firstChunkMs(nodes, 1, 1);
        assertThat(first.get("a")).singleElement().satisfies(ms -> assertThat(ms).isCloseTo(15.0, within(1e-9)));
        assertThat(first.get("b")).singleElement().satisfies(ms -> assertThat(ms).isCloseTo(30.0, within(1e-9)));
        assertThatThrownBy(() -> events.intakeMs(Map.of(3, "c"), 1, 1)).hasMessageContaining("shard 3");
        // worker 1 started at 10 ms, worker 0 at 20 ms
        assertThat(events.startedLines()).containsExactly(RoundEvents.startedLine(0, 1, 20_000_000L),
                RoundEvents.startedLine(1, 1, 10_000_000L));
        assertThat(events.startSpreadMs(1, 1)).singleElement().satisfies(ms -> assertThat(ms).isCloseTo(10.0, within(1e-9)));
        events.stepStarted(0, 2, 50_000_000L);
        events.stepStarted(1, 2, 50_000_000L);
        events.stepGathered(0, 2, 30_000_000L, 40_000_000L);
        assertThatThrownBy(() -> events.intakeMs(Map.of(0, "a"), 2, 2)).hasMessageContaining("before a worker");
        assertThatThrownBy(() -> events.firstChunkMs(Map.of(0, "a"), 2, 2)).hasMessageContaining("before a worker");
    }

    @Test
    void waitingForTheLastStepsGatheringEndsWhenEveryShardReportedItOrTimesOut() throws InterruptedException {
        RoundEvents events = new RoundEvents();
        events.stepGathered(0, 9, ParameterShard.NO_CHUNK_YET, 100L);
        assertThat(events.awaitGathered(List.of(0), 9, Duration.ofSeconds(1))).isTrue();
        assertThat(events.awaitGathered(List.of(0, 1), 9, Duration.ofMillis(50))).isFalse();
        Thread late = new Thread(() -> events.stepGathered(1, 9, 50L, 120L));
        late.start();
        assertThat(events.awaitGathered(List.of(0, 1), 9, Duration.ofSeconds(10))).isTrue();
        late.join();
        // a shard that owned no tensor got no first chunk: it is left out of the first-chunk figures
        events.stepStarted(0, 9, 10L);
        assertThat(events.firstChunkMs(Map.of(1, "a"), 9, 9).get("a")).containsExactly(40e-6);
        assertThatThrownBy(() -> events.firstChunkMs(Map.of(0, "a"), 9, 9)).hasMessageContaining("shard 0");
    }

    @Test
    void aMissingCompletionOrStartIsAnError() {
        RoundEvents events = new RoundEvents();
        events.stepCompleted(0, 0);
        events.stepStarted(0, 1, 10);
        assertThatThrownBy(() -> events.rounds(1, 1)).hasMessageContaining("step 1");
        events.stepCompleted(1, 100);
        events.stepStarted(1, 0, 0);
        assertThatThrownBy(() -> events.rounds(1, 1)).hasMessageContaining("worker 1");
        assertThatThrownBy(() -> events.rounds(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
