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
 * @param rawBeforeMs raw loopback repetitions measured before the rounds (warm-up repetitions dropped)
 * @param rawAfterMs the same, after the rounds
 * @param rawBytesPerRep bytes of one raw repetition over all connections
 * @param optimizerMs per shard, LayerwiseOptimizer steps over that shard's tensors (warm-up dropped)
 * @param shardWork diagnostic parts of a shard's serial work by name (see OptimizerTiming.PARTS), per
 *     shard, per measured repetition
 * @param faultsPerRound minor page faults per measured round, by process ("single JVM", "coordinator+ps", ...)
 * @param conditions the machine's load average when the run started and ended
 */
public record RoundRun(String mode, int workers, int shards, long modelBytes, List<Long> shardBytes,
        Map<Integer, String> nodeOfShard, List<Double> roundMs, List<Double> pushMs, List<Double> pullMs,
        List<Double> rawBeforeMs, List<Double> rawAfterMs, long rawBytesPerRep, List<List<Double>> optimizerMs,
        Map<String, List<List<Double>>> shardWork, Map<String, Double> faultsPerRound, String conditions) {

    /** This run with {@code conditions} set. */
    public RoundRun withConditions(String conditions) {
        return new RoundRun(mode, workers, shards, modelBytes, shardBytes, nodeOfShard, roundMs, pushMs, pullMs,
                rawBeforeMs, rawAfterMs, rawBytesPerRep, optimizerMs, shardWork, faultsPerRound,
                conditions);
    }
}
