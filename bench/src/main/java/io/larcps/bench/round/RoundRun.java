package io.larcps.bench.round;

import java.util.List;
import java.util.Map;

/**
 * Everything one round run measured, in milliseconds, before any arithmetic.
 *
 * @param mode how the cluster ran, e.g. "single JVM"
 * @param shardBytes FLOAT32 bytes each parameter shard owns
 * @param nodeOfShard the node hosting each shard, by shard index ("coordinator+ps" or "ps")
 * @param roundMs completion of step s-1 to completion of step s, per measured step
 * @param pushMs the part of each round from the workers' start of step s (mean over workers) to its completion:
 *     push, sum and optimizer step
 * @param pullMs the rest: version s back to the workers and the plan of step s reaching them
 * @param intakeMs per ps node, per measured step: the first worker's start of s to the moment the last of
 *     the node's shards had summed every chunk of s (RoundEvents.intakeMs)
 * @param firstChunkMs per ps node, per measured step: the first worker's start of s to the first chunk of s at
 *     any of the node's shards
 * @param startSpreadMs per measured step: the first worker's start of s to the last worker's (RoundEvents.startSpreadMs)
 * @param rawBeforeMs raw loopback repetitions measured before the rounds (warm-up repetitions dropped)
 * @param rawAfterMs the same, after the rounds
 * @param rawPerShardMs raw loopback with one receiver per shard at once, as the ps nodes take in their pushes:
 *     per receiver (shard r's tensors), milliseconds per measured repetition, before the rounds and after
 * @param rawPerShardSpansNanos each of those repetitions' {@code [start, end]} in System.nanoTime
 * @param rawPerShardKdamondMs per such repetition, CPU time of the kernel's DAMON threads; empty when none run
 * @param rawBytesPerRep bytes of one raw repetition over all connections (one receiver)
 * @param optimizerMs per shard, LayerwiseOptimizer steps over that shard's tensors (warm-up dropped)
 * @param shardWork diagnostic parts of a shard's serial work by name (see OptimizerTiming.PARTS), per
 *     shard, per measured repetition
 * @param faultsPerRound minor page faults per measured round, by process ("single JVM", "coordinator+ps", ...)
 * @param roundBoundsNanos System.nanoTime of the completions that bound the measured rounds: of the last
 *     warm-up step, then of each measured step
 * @param kdamondMs per measured round, CPU time of the kernel's DAMON threads (KdamondSampler); empty when
 *     the machine runs none
 * @param conditions the machine's load average when the run started and ended
 */
public record RoundRun(String mode, int workers, int shards, long modelBytes, List<Long> shardBytes,
        Map<Integer, String> nodeOfShard, List<Double> roundMs, List<Double> pushMs, List<Double> pullMs,
        Map<String, List<Double>> intakeMs, Map<String, List<Double>> firstChunkMs, List<Double> startSpreadMs,
        List<Double> rawBeforeMs, List<Double> rawAfterMs,
        List<List<Double>> rawPerShardMs, List<List<Long>> rawPerShardSpansNanos, List<Double> rawPerShardKdamondMs,
        long rawBytesPerRep, List<List<Double>> optimizerMs,
        Map<String, List<List<Double>>> shardWork, Map<String, Double> faultsPerRound, List<Long> roundBoundsNanos,
        List<Double> kdamondMs, String conditions) {

    /**
     * This run with what the driver saw around it: the DAMON time of each measured round and raw
     * repetition, and the load.
     */
    public RoundRun withDriverReadings(List<Double> kdamondMs, List<Double> rawPerShardKdamondMs, String conditions) {
        return new RoundRun(mode, workers, shards, modelBytes, shardBytes, nodeOfShard, roundMs, pushMs, pullMs,
                intakeMs, firstChunkMs, startSpreadMs, rawBeforeMs, rawAfterMs, rawPerShardMs, rawPerShardSpansNanos, rawPerShardKdamondMs,
                rawBytesPerRep, optimizerMs, shardWork,
                faultsPerRound, roundBoundsNanos, kdamondMs, conditions);
    }
}
