package io.larcps.proto.frame;

import com.typesafe.config.Config;
import io.netty.channel.local.LocalAddress;

/**
 * How a worker reaches a data-plane endpoint that lives in its own JVM (the embedded cluster of
 * {@code larcps train}, or a worker and a ps node started together): through Netty's in-VM transport
 * under a name derived from the endpoint's advertised host and port, with the same pipeline as over
 * TCP but no socket, so frames cross by reference instead of through two kernel copies. A worker
 * tries this name first and falls back to TCP when no endpoint of that name is bound in its JVM.
 */
public final class InProcessEndpoints {
    /** Config key: whether ps nodes bind in-process endpoints and workers try them first. */
    public static final String CONFIG_KEY = "larcps.data-plane.in-process";

    private InProcessEndpoints() {
    }

    /** The in-VM address of the endpoint advertised as {@code host:port}. */
    public static LocalAddress address(String host, int port) {
        return new LocalAddress("larcps-data-plane/" + host + ":" + port);
    }

    public static boolean enabled(Config config) {
        return config.getBoolean(CONFIG_KEY);
    }
}
