package io.larcps.bench.optim;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings every optimizer-bandwidth benchmark shares (JMH's annotations are inherited):
 * single-threaded average time in ms; operations of 10-100 ms, so 2 s iterations hold enough of
 * them; three forks expose fork-to-fork variation (page placement, JIT) on a noisy box; the Vector
 * API module and a heap for two or three copies of the 102 MB parameter set.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
@Threads(1)
public abstract class StandardSettings {
}
