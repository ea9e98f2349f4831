package io.larcps.server.transport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.InProcessEndpoints;
import io.larcps.proto.frame.SlabReceiveAllocator;

/**
 * How a parameter-server node's data-plane endpoint listens (section {@code larcps.data-plane-server},
 * documented in the server's reference.conf), plus the shared frame limits and whether it also
 * serves workers of its own JVM in process ({@code larcps.data-plane.in-process}), and whether its
 * shards run on the in-process event loop.
 *
 * @param keptReceiveBytes the most socket read memory the endpoint keeps for reuse
 */
public record DataPlaneSettings(String bindHost, int port, String advertisedHost, int ioThreads, FrameSettings frames,
        boolean inProcess, boolean shardsOnInProcessLoop, long keptReceiveBytes) {

    /** The default of {@code kept-receive-memory}, for settings not read from configuration. */
    public static final long DEFAULT_KEPT_RECEIVE_BYTES = 64L << 20;

    /** Settings that serve TCP only. */
    public DataPlaneSettings(String bindHost, int port, String advertisedHost, int ioThreads, FrameSettings frames) {
        this(bindHost, port, advertisedHost, ioThreads, frames, false, false, DEFAULT_KEPT_RECEIVE_BYTES);
    }

    public static DataPlaneSettings fromConfig(Config root) {
        Config section = root.getConfig("larcps.data-plane-server");
        int port = section.getInt("port");
        if (port < 0 || port > 65535) {
            throw new ConfigException.BadValue("larcps.data-plane-server.port", "must be in [0, 65535], got " + port);
        }
        int ioThreads = section.getInt("io-threads");
        if (ioThreads < 0) {
            throw new ConfigException.BadValue("larcps.data-plane-server.io-threads", "must be >= 0, got " + ioThreads);
        }
        String bindHost = section.getString("bind-host");
        String advertised = section.getString("advertised-host");
        boolean inProcess = InProcessEndpoints.enabled(root);
        boolean shardsOnLoop = section.getBoolean("shards-on-in-process-loop");
        if (shardsOnLoop && !inProcess) {
            throw new ConfigException.BadValue("larcps.data-plane-server.shards-on-in-process-loop",
                    "needs " + InProcessEndpoints.CONFIG_KEY + " = on");
        }
        long keptReceive = section.getBytes("kept-receive-memory");
        if (keptReceive < SlabReceiveAllocator.SLAB_BYTES) {
            throw new ConfigException.BadValue("larcps.data-plane-server.kept-receive-memory",
                    "must be at least one slab of " + SlabReceiveAllocator.SLAB_BYTES + " bytes, got " + keptReceive);
        }
        return new DataPlaneSettings(bindHost, port, advertised.isEmpty() ? bindHost : advertised, ioThreads,
                FrameSettings.fromConfig(root), inProcess, shardsOnLoop, keptReceive);
    }
}
