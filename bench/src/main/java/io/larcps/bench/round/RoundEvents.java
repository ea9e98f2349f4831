package io.larcps.bench.round;

import io.larcps.server.shard.ParameterShard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BinaryOperator;

/**
 * When each round's milestones happened, in {@link System#nanoTime()} (CLOCK_MONOTONIC on Linux, so
 * stamps taken in different JVMs on one machine compare): a worker starting step s (its gradient
 * source is asked for the step's sums, which it has the moment it holds version s and the plan), a
 * shard having summed every chunk of step s (its {@code ParameterShard.StepTimed}), and the
 * coordinator hearing that every shard applied step s. Thread-safe.
 *
 * <p>Child processes print the same events as lines ({@link #line}); the driver {@link #parse}s them.
 */
public final class RoundEvents {
    /** Printed before every event line, so events can be picked out of a log. */
    public static final String PREFIX = "LARCPS-ROUND ";

    private final Map<Long, Long> completed = new ConcurrentHashMap<>();
    private final Map<Integer, Map<Long, Long>> started = new ConcurrentHashMap<>();
    private final Map<Integer, Map<Long, Long>> gathered = new ConcurrentHashMap<>();
    private final Map<Integer, Map<Long, Long>> firstChunk = new ConcurrentHashMap<>();

    public void stepStarted(int worker, long step, long nanos) {
        started.computeIfAbsent(worker, w -> new ConcurrentHashMap<>()).putIfAbsent(step, nanos);
    }

    public void stepCompleted(long step, long nanos) {
        completed.putIfAbsent(step, nanos);
    }

    /** Shard {@code shard} got its first chunk of {@code step} at {@code firstNanos} and had summed all at {@code nanos}. */
    public void stepGathered(int shard, long step, long firstNanos, long nanos) {
        if (firstNanos != ParameterShard.NO_CHUNK_YET) {
            firstChunk.computeIfAbsent(shard, w -> new ConcurrentHashMap<>()).putIfAbsent(step, firstNanos);
        }
        gathered.computeIfAbsent(shard, w -> new ConcurrentHashMap<>()).putIfAbsent(step, nanos);
    }

    /**
     * Waits until each of {@code shards} has reported gathering {@code step}: a shard publishes that
     * after it tells the coordinator, so it can trail the job's end. @return whether all did in time
     */
    public boolean awaitGathered(Collection<Integer> shards, long step, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!shards.stream().allMatch(shard -> gathered.getOrDefault(shard, Map.of()).containsKey(step))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    public static String gatheredLine(int shard, long step, long firstNanos, long nanos) {
        return PREFIX + "gathered " + shard + " " + step + " " + firstNanos + " " + nanos;
    }

    public static String startedLine(int worker, long step, long nanos) {
        return PREFIX + "started " + worker + " " + step + " " + nanos;
    }

    /** Every recorded start as {@link #startedLine} lines, by worker and step: for lining a profile up with the rounds. */
    public List<String> startedLines() {
        List<String> lines = new ArrayList<>();
        new TreeMap<>(started).forEach((worker, steps) -> new TreeMap<>(steps).forEach((step, nanos) ->
                lines.add(startedLine(worker, step, nanos))));
        return lines;
    }

    public static String completedLine(long step, long nanos) {
        return PREFIX + "completed " + step + " " + nanos;
    }

    /** Takes one log line; anything that is not an event line is ignored. @return whether it was one */
    public boolean parse(String line) {
        int at = line.indexOf(PREFIX);
        if (at < 0) {
            return false;
        }
        String[] fields = line.substring(at + PREFIX.length()).trim().split("\\s+");
        switch (fields[0]) {
            case "started" -> stepStarted(Integer.parseInt(fields[1]), Long.parseLong(fields[2]), Long.parseLong(fields[3]));
            case "completed" -> stepCompleted(Long.parseLong(fields[1]), Long.parseLong(fields[2]));
            case "gathered" -> stepGathered(Integer.parseInt(fields[1]), Long.parseLong(fields[2]),
                    Long.parseLong(fields[3]), Long.parseLong(fields[4]));
            default -> {
                return false;
            }
        }
        return true;
    }

    public Optional<Long> completedAt(long step) {
        return Optional.ofNullable(completed.get(step));
    }

    /**
     * Per measured step s in {@code [firstStep, lastStep]}: the round (completion of s-1 to completion
     * of s), split at the mean of the workers' start of s into the pull-and-plan part (version s
     * travelling back and the plan reaching the workers) and the push-sum-optimize part.
     *
     * @param firstStep at least 1: a round is measured from the previous step's completion
     */
    public Rounds rounds(long firstStep, long lastStep) {
        if (firstStep < 1 || lastStep < firstStep) {
            throw new IllegalArgumentException("measured steps [" + firstStep + ", " + lastStep + "] need firstStep >= 1");
        }
        List<Double> round = new ArrayList<>();
        List<Double> pull = new ArrayList<>();
        List<Double> push = new ArrayList<>();
        for (long s = firstStep; s <= lastStep; s++) {
            Long before = completed.get(s - 1);
            Long after = completed.get(s);
            if (before == null || after == null) {
                throw new IllegalStateException("no completion recorded for step " + (before == null ? s - 1 : s));
            }
            double startSum = 0;
            for (Map.Entry<Integer, Map<Long, Long>> worker : new TreeMap<>(started).entrySet()) {
                Long start = worker.getValue().get(s);
                if (start == null) {
                    throw new IllegalStateException("worker " + worker.getKey() + " recorded no start of step " + s);
                }
                startSum += start - before;
            }
            double startOffset = started.isEmpty() ? 0 : startSum / started.size();
            round.add((after - before) / 1e6);
            pull.add(startOffset / 1e6);
            push.add((after - before - startOffset) / 1e6);
        }
        return new Rounds(round, push, pull);
    }

    /**
     * Per node, per measured step: from the first worker's start of s to the moment the last of the
     * node's shards had summed every chunk of s. That is the span in which the node takes in its
     * gradient bytes, counted from before the first of them is even encoded, so never too short. (The
     * workers start a step at different times, whenever each has pulled the new weights: the mean
     * start would cut off the first worker's head start.)
     *
     * @param nodeOfShard the node hosting each shard
     */
    public Map<String, List<Double>> intakeMs(Map<Integer, String> nodeOfShard, long firstStep, long lastStep) {
        return sinceFirstStartMs(gathered, Math::max, nodeOfShard, firstStep, lastStep);
    }

    /**
     * Per measured step: from the first worker's start of s to the last worker's. A worker starts when it
     * holds the new weights, so this is how much later the last one finished its pull.
     */
    public List<Double> startSpreadMs(long firstStep, long lastStep) {
        List<Double> spread = new ArrayList<>();
        for (long s = firstStep; s <= lastStep; s++) {
            long last = Long.MIN_VALUE;
            for (Map<Long, Long> worker : started.values()) {
                Long start = worker.get(s);
                if (start != null) {
                    last = Math.max(last, start);
                }
            }
            spread.add((last - firstStart(s)) / 1e6);
        }
        return spread;
    }

    /** Per node, per measured step: from the first worker's start of s to the first chunk of s at any of its shards. */
    public Map<String, List<Double>> firstChunkMs(Map<Integer, String> nodeOfShard, long firstStep, long lastStep) {
        return sinceFirstStartMs(firstChunk, Math::min, nodeOfShard, firstStep, lastStep);
    }

    private Map<String, List<Double>> sinceFirstStartMs(Map<Integer, Map<Long, Long>> stamps, BinaryOperator<Long> pick,
            Map<Integer, String> nodeOfShard, long firstStep, long lastStep) {
        Map<String, List<Double>> byNode = new TreeMap<>();
        for (long s = firstStep; s <= lastStep; s++) {
            long start = firstStart(s);
            Map<String, Long> byNodeAt = new TreeMap<>();
            for (Map.Entry<Integer, String> shard : nodeOfShard.entrySet()) {
                Long at = stamps.getOrDefault(shard.getKey(), Map.of()).get(s);
                if (at == null) {
                    throw new IllegalStateException("shard " + shard.getKey() + " recorded no gathering of step " + s);
                }
                byNodeAt.merge(shard.getValue(), at, pick);
            }
            long step = s;
            byNodeAt.forEach((node, at) -> {
                if (at < start) {
                    throw new IllegalStateException(node + " had pushes of step " + step + " before a worker started it");
                }
                byNode.computeIfAbsent(node, n -> new ArrayList<>()).add((at - start) / 1e6);
            });
        }
        return byNode;
    }

    private long firstStart(long step) {
        if (started.isEmpty()) {
            throw new IllegalStateException("no worker recorded a start");
        }
        long first = Long.MAX_VALUE;
        for (Map.Entry<Integer, Map<Long, Long>> worker : started.entrySet()) {
            Long start = worker.getValue().get(step);
            if (start == null) {
                throw new IllegalStateException("worker " + worker.getKey() + " recorded no start of step " + step);
            }
            first = Math.min(first, start);
        }
        return first;
    }

    /** The completions of steps {@code firstStep - 1} to {@code lastStep}: the bounds of the measured rounds. */
    public List<Long> roundBounds(long firstStep, long lastStep) {
        List<Long> bounds = new ArrayList<>();
        for (long s = firstStep - 1; s <= lastStep; s++) {
            Long at = completed.get(s);
            if (at == null) {
                throw new IllegalStateException("no completion recorded for step " + s);
            }
            bounds.add(at);
        }
        return bounds;
    }

    /** Milliseconds per measured round, and the two parts of each. */
    public record Rounds(List<Double> roundMs, List<Double> pushMs, List<Double> pullMs) {
    }
}
