package io.larcps.deploy;

import com.typesafe.config.ConfigFactory;
import io.larcps.deploy.cli.ClusterOptions;
import io.larcps.deploy.metrics.NodeMetrics;
import io.larcps.server.node.NodeConfig;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/** Starts a node's ActorSystem and joins the cluster (its seeds, or itself when it has none). */
final class NodeRuntime {
    private NodeRuntime() {
    }

    /** @param settings HOCON lines that take precedence over every other source */
    static ActorSystem<Void> start(ClusterOptions cluster, List<String> roles, int minimumPsNodes, String... settings) {
        String metricsPort = cluster.metricsPort().map(port -> "\nlarcps.metrics.port = " + port).orElse("");
        var extra = ConfigFactory.parseString("larcps.data-plane-server.port = " + cluster.dataPlanePort()
                + "\nlarcps.data-plane-server.bind-host = \"" + cluster.host() + "\""
                + "\nlarcps.coordinator.ps-nodes = " + Math.max(1, minimumPsNodes)
                + metricsPort
                + "\n" + String.join("\n", settings));
        List<String> seeds = cluster.seedAddresses();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "larcps",
                NodeConfig.node(cluster.host(), cluster.port(), roles, List.of(), extra));
        Cluster members = Cluster.get(system);
        if (seeds.isEmpty()) {
            members.manager().tell(Join.create(members.selfMember().address()));
        } else {
            members.manager().tell(new JoinSeedNodes(seeds.stream()
                    .map(org.apache.pekko.actor.AddressFromURIString::parse).toList()));
        }
        return system;
    }

    /**
     * Starts the node's metrics endpoint if its settings ask for one; it closes when the node's system
     * terminates, on whatever path. On failure (a port in use) the node is stopped before the error
     * goes on, so nothing is left running half set up.
     */
    static Optional<NodeMetrics> metrics(ActorSystem<Void> system, ClusterOptions cluster) throws IOException {
        try {
            Optional<NodeMetrics> metrics = NodeMetrics.start(system, cluster.host());
            // On standard output with the progress: with --metrics-port 0 this is where the port shows.
            metrics.ifPresent(node -> System.out.printf("metrics at http://%s:%d/metrics%n",
                    node.address().getHostString(), node.address().getPort()));
            return metrics;
        } catch (IOException | RuntimeException e) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            throw e;
        }
    }
}
