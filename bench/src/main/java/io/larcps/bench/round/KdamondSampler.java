package io.larcps.bench.round;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Samples the CPU time of the kernel's DAMON threads ({@code kdamond.*}) every {@value #PERIOD_MS} ms,
 * from the driver's JVM, which is idle while rounds run. On this VM a DAMON context samples page
 * accesses over all physical memory every 500 ms; a profile of the processes run (perf, 2026-11-28)
 * found each pass taking 30 to 90 ms of one core, almost all in {@code ptep_test_and_clear_young},
 * and every round it fell in took about 100 ms longer. It is not larc-ps's and the benchmark leaves
 * it alone, but says how much of it each measured round had.
 *
 * <p>Reads {@code /proc/PID/schedstat}, whose first field is the thread's time on a CPU in ns.
 */
public final class KdamondSampler implements AutoCloseable {
    static final long PERIOD_MS = 10;

    private final List<Path> threads;
    private final StampedSampler sampler;

    public KdamondSampler() {
        this.threads = find();
        this.sampler = threads.isEmpty() ? null : new StampedSampler("kdamond-sampler", PERIOD_MS, this::cpuNanos);
    }

    private static List<Path> find() {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try {
                    if (Files.readString(process.resolve("comm")).startsWith("kdamond")) {
                        found.add(process.resolve("schedstat"));
                    }
                } catch (IOException gone) {
                    // The process ended while we looked: not a kernel daemon.
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return found;
    }

    /** The DAMON threads' time on a CPU so far, in ns; empty when one could not be read. */
    private OptionalLong cpuNanos() {
        long cpuNanos = 0;
        for (Path schedstat : threads) {
            try {
                cpuNanos += Long.parseLong(Files.readString(schedstat).trim().split("\\s+")[0]);
            } catch (IOException | RuntimeException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(cpuNanos);
    }

    /**
     * Milliseconds of DAMON CPU time in each span {@code [start, end]} (System.nanoTime stamps); empty
     * when DAMON does not run here.
     */
    public List<Double> cpuMsIn(List<List<Long>> spans) {
        List<Double> ms = new ArrayList<>();
        if (sampler == null) {
            return ms;
        }
        List<long[]> copy = sampler.samples();
        for (List<Long> span : spans) {
            ms.add(Stamped.between(copy, span.get(0), span.get(1)) / 1e6);
        }
        return ms;
    }

    @Override
    public void close() {
        if (sampler != null) {
            sampler.close();
        }
    }
}
