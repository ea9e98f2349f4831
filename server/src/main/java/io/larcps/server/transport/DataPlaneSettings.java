package io.larcps.server.transport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.InProcessEndpoints;

/**
 * How a parameter-server node's data-plane endpoint listens (section {@code larcps.data-plane-server},
 * documented in the server's reference.conf), plus the shared frame limits and whether it also
 * serves workers of its own JVM in process ({@code larcps.data-plane.in-process}), and whether its
 * shards run on the in-process event loop.
 */
public record DataPlaneSettings(String bindHost, int port, String advertisedHost, int ioThreads, FrameSettings frames,
        boolean inProcess, boolean shardsOnInProcessLoop) {

    /** Settings that serve TCP only. */
    public DataPlaneSettings(String bindHost, int port, String advertisedHost, int ioThreads, FrameSettings frames) {
        this(bindHost, port, advertisedHost, ioThreads, frames, false, false);
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
        return new DataPlaneSettings(bindHost, port, advertised.isEmpty() ? bindHost : advertised, ioThreads,
                FrameSettings.fromConfig(root), inProcess, shardsOnLoop);
    }
}
