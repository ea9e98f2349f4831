package io.larcps.server.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/** Builds the configuration of a larc-ps node from its address, roles and seed nodes. */
public final class NodeConfig {
    private NodeConfig() {
    }

    /**
     * @param port the Artery port; 0 lets the OS choose (then this node cannot be a seed of others)
     * @param seeds seed-node addresses such as {@code pekko://larcps@127.0.0.1:2552}; empty to join later
     * @param extra settings of the caller's (flags); system properties and application.conf still win
     *     over larc-ps's cluster defaults, and {@code extra} over both
     */
    public static Config node(String host, int port, List<String> roles, List<String> seeds, Config extra) {
        return ConfigFactory.empty()
                .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(host))
                .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
                .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles))
                .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
                .withFallback(extra)
                .withFallback(ConfigFactory.defaultOverrides())
                .withFallback(ConfigFactory.defaultApplication())
                .withFallback(ConfigFactory.parseResources(NodeConfig.class.getClassLoader(), "larcps-cluster.conf"))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
    }
}
