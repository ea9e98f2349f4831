package io.larcps.bench.optim;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Nanoseconds spent in each half of {@link PairedBenchmark#paired}, summed per iteration; JMH reports
 * them as secondary metrics (EVENTS: raw sums, not rates).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class PairedTimes {
    public long triadNanos;
    public long stepNanos;

    @Setup(Level.Iteration)
    public void reset() {
        triadNanos = 0;
        stepNanos = 0;
    }
}
