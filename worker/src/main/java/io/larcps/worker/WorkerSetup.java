package io.larcps.worker;

import io.larcps.proto.frame.FrameSettings;
import io.netty.channel.EventLoopGroup;

/**
 * Everything a worker actor needs, resolved once at start.
 *
 * @param workerId stable identity (host and device), so a restarted worker keeps its rank
 * @param batchSize samples this worker computes per step
 * @param maxBytesInFlight bound on gradient bytes written but not yet sent
 * @param eventLoops Netty threads for the data-plane client; shared, not owned
 * @param computeDispatcher config path of the dispatcher gradient work runs on
 * @param reportEvery rank 0 reports a copy of the weights at every multiple of this many versions; 0 never
 */
public record WorkerSetup(String jobId, String workerId, String host, int deviceIndex, int batchSize,
        GradientSource source, FrameSettings frames, long maxBytesInFlight, EventLoopGroup eventLoops,
        String computeDispatcher, long reportEvery) {
}
