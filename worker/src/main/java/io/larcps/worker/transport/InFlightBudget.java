package io.larcps.worker.transport;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Bounds the tensor bytes encoded and handed to Netty but not yet written to a socket, across every
 * connection of a client. Without it a push of a 100 MB model would encode the whole model into
 * direct memory at once, while the network drains it at a fraction of that speed.
 *
 * <p>Never blocks: a sender that finds no room registers a callback and is called again, on the
 * thread that released bytes (an event loop completing a write), to retry.
 */
final class InFlightBudget {

    private final long limit;
    private final Set<Runnable> waiters = new LinkedHashSet<>();
    private long inFlight;
    private long peak;

    InFlightBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("bytes-in-flight limit must be positive, got " + limit);
        }
        this.limit = limit;
    }

    /**
     * Takes {@code bytes} if they fit under the limit; otherwise remembers {@code retry} (once, however
     * often it asks) to run after the next release, and returns false.
     */
    synchronized boolean tryAcquire(long bytes, Runnable retry) {
        if (inFlight + bytes <= limit) {
            inFlight += bytes;
            peak = Math.max(peak, inFlight);
            return true;
        }
        waiters.add(retry);
        return false;
    }

    /** Returns {@code bytes} and wakes every waiter outside the lock, so a waiter may acquire at once. */
    void release(long bytes) {
        List<Runnable> wake;
        synchronized (this) {
            inFlight -= bytes;
            if (waiters.isEmpty()) {
                return;
            }
            wake = new ArrayList<>(waiters);
            waiters.clear();
        }
        wake.forEach(Runnable::run);
    }

    /** Forgets a waiter that gave up (its operation failed), so it is not woken for nothing. */
    synchronized void cancel(Runnable retry) {
        waiters.remove(retry);
    }

    long limit() {
        return limit;
    }

    synchronized long inFlight() {
        return inFlight;
    }

    /** The most bytes ever in flight at once; lets tests and metrics check the bound held. */
    synchronized long peak() {
        return peak;
    }
}
