package io.larcps.deploy;

import io.larcps.deploy.cli.ClusterOptions;
import io.larcps.server.node.ParameterServerNode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ps", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a parameter-server node.",
                "A data-plane endpoint and the shard entities Cluster Sharding places on this node. Runs until",
                "stopped (SIGTERM leaves the cluster gracefully)."})
final class PsCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        ActorSystem<Void> system = NodeRuntime.start(cluster, List.of(ParameterServerNode.PS_ROLE), 1);
        NodeRuntime.metrics(system, cluster);
        ParameterServerNode.start(system, Optional.empty(), system.ignoreRef());
        system.getWhenTerminated().toCompletableFuture().join();
        return 0;
    }
}
