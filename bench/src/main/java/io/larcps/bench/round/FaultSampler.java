package io.larcps.bench.round;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Samples this process's minor page-fault count every {@value #PERIOD_MS} ms with a
 * {@link System#nanoTime()} stamp, so the faults taken during the measured rounds can be read off
 * afterwards: memory touched for the first time (fresh heap regions, freshly mapped direct buffers)
 * costs one fault per 4 KiB page.
 *
 * <p>Every 200 ms, not faster: reading {@code /proc/self/stat} sums over all of a JVM's threads, and
 * at every 50 ms the four JVMs of the processes run spent about 1.7% of the machine's CPU on it
 * (perf, 2026-11-28), time taken from the rounds being measured.
 */
public final class FaultSampler implements AutoCloseable {
    static final long PERIOD_MS = 200;
    public static final String PREFIX = "LARCPS-FAULTS ";

    private final StampedSampler sampler = new StampedSampler("fault-sampler", PERIOD_MS,
            () -> OptionalLong.of(OptimizerTiming.minorFaults()));

    /** Faults taken between two instants, by linear interpolation between samples; NaN if not covered. */
    public static double faultsBetween(List<long[]> samples, long from, long to) {
        return Stamped.between(samples, from, to);
    }

    public List<long[]> samples() {
        return sampler.samples();
    }

    /** The samples as lines {@code LARCPS-FAULTS <nanos> <faults>}. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (long[] sample : samples()) {
            lines.add(PREFIX + sample[0] + " " + sample[1]);
        }
        return lines;
    }

    /** Reads {@link #lines()} back from a log. */
    public static List<long[]> parse(List<String> log) {
        List<long[]> samples = new ArrayList<>();
        for (String line : log) {
            int at = line.indexOf(PREFIX);
            if (at >= 0) {
                String[] fields = line.substring(at + PREFIX.length()).trim().split("\\s+");
                samples.add(new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])});
            }
        }
        return samples;
    }

    @Override
    public void close() {
        sampler.close();
    }
}
