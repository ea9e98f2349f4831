package io.larcps.bench.round;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads a growing counter every {@code periodMs} on a daemon thread and keeps each reading with its
 * {@link System#nanoTime()}, as {@link Stamped} expects; a reading that fails is skipped.
 */
final class StampedSampler implements AutoCloseable {
    private final Supplier<OptionalLong> counter;
    private final List<long[]> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    StampedSampler(String name, long periodMs, Supplier<OptionalLong> counter) {
        this.counter = counter;
        this.thread = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        OptionalLong value = counter.get();
        long now = System.nanoTime();
        if (value.isPresent()) {
            synchronized (samples) {
                samples.add(new long[] {now, value.getAsLong()});
            }
        }
    }

    /** The readings so far, oldest first. */
    List<long[]> samples() {
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }

    /** Stops sampling, then takes one last reading, so readings stay in time order. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }
}
