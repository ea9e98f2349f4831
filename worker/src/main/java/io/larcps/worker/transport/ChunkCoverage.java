package io.larcps.worker.transport;

import java.util.Map;
import java.util.TreeMap;

/**
 * The element ranges of one tensor received so far in a pull. A pull completes by counting
 * elements, so a chunk counted twice would complete it with a hole; this catches repeats. An exact
 * repeat is a shard answering the same version twice (harmless: versions never change), a partial
 * overlap means the two answers were chunked differently and cannot be counted safely.
 */
final class ChunkCoverage {

    private final TreeMap<Long, Long> endByStart = new TreeMap<>();

    /**
     * Records {@code [offset, offset + length)}.
     *
     * @return false if exactly this range was already recorded (nothing changes)
     * @throws IllegalArgumentException if the range partly overlaps a recorded one
     */
    boolean add(long offset, long length) {
        long end = offset + length;
        Long sameStart = endByStart.get(offset);
        if (sameStart != null && sameStart == end) {
            return false;
        }
        Map.Entry<Long, Long> before = endByStart.floorEntry(offset);
        Map.Entry<Long, Long> after = endByStart.ceilingEntry(offset);
        if ((before != null && before.getValue() > offset) || (after != null && after.getKey() < end)) {
            throw new IllegalArgumentException("elements [" + offset + ", " + end + ") overlap a chunk received before");
        }
        endByStart.put(offset, end);
        return true;
    }
}
