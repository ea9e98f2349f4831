package io.larcps.worker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChunkCoverageTest {

    @Test
    void acceptsAdjacentChunksInAnyOrder() {
        ChunkCoverage coverage = new ChunkCoverage();

        assertThat(coverage.add(10, 10)).isTrue();
        assertThat(coverage.add(0, 10)).isTrue();
        assertThat(coverage.add(20, 5)).isTrue();
    }

    @Test
    void reportsAnExactRepeat() {
        ChunkCoverage coverage = new ChunkCoverage();
        coverage.add(0, 10);

        assertThat(coverage.add(0, 10)).isFalse();
    }

    @Test
    void rejectsAPartialOverlapOnEitherSide() {
        ChunkCoverage coverage = new ChunkCoverage();
        coverage.add(10, 10);

        assertThatThrownBy(() -> coverage.add(5, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[5, 15) overlap");
        assertThatThrownBy(() -> coverage.add(19, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> coverage.add(10, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> coverage.add(0, 100)).isInstanceOf(IllegalArgumentException.class);
    }
}
