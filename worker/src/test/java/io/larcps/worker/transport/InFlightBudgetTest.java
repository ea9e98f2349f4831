package io.larcps.worker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightBudgetTest {

    @Test
    void admitsUpToTheLimitAndRecordsThePeak() {
        InFlightBudget budget = new InFlightBudget(100);

        assertThat(budget.tryAcquire(60, () -> { })).isTrue();
        assertThat(budget.tryAcquire(40, () -> { })).isTrue();
        assertThat(budget.inFlight()).isEqualTo(100);
        budget.release(60);
        budget.release(40);

        assertThat(budget.inFlight()).isZero();
        assertThat(budget.peak()).isEqualTo(100);
    }

    @Test
    void aRefusedSenderIsWokenOnceAfterTheNextRelease() {
        InFlightBudget budget = new InFlightBudget(100);
        AtomicInteger wakeUps = new AtomicInteger();
        Runnable retry = wakeUps::incrementAndGet;
        budget.tryAcquire(80, () -> { });

        assertThat(budget.tryAcquire(30, retry)).isFalse();
        assertThat(budget.tryAcquire(30, retry)).as("asked twice, remembered once").isFalse();
        budget.release(80);
        budget.release(0);

        assertThat(wakeUps).hasValue(1);
        assertThat(budget.tryAcquire(30, retry)).isTrue();
    }

    @Test
    void aCancelledWaiterIsNotWoken() {
        InFlightBudget budget = new InFlightBudget(10);
        AtomicInteger wakeUps = new AtomicInteger();
        Runnable retry = wakeUps::incrementAndGet;
        budget.tryAcquire(10, () -> { });
        budget.tryAcquire(1, retry);

        budget.cancel(retry);
        budget.release(10);

        assertThat(wakeUps).hasValue(0);
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThatThrownBy(() -> new InFlightBudget(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
