package io.larcps.server.node;

import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.InProcessLoop;
import io.larcps.proto.frame.TensorChunker;
import io.larcps.proto.protocol.CoordinatorProtocol;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.coordinator.TrainingCoordinator;
import io.larcps.server.optim.UpdateKernel;
import io.larcps.server.optim.UpdateKernels;
import io.larcps.server.shard.ParameterShard;
import io.larcps.server.shard.ShardDirectory;
import io.larcps.server.shard.ShardFrameRouter;
import io.larcps.server.shard.ShardPerEntityExtractor;
import io.larcps.server.transport.DataPlaneServer;
import io.larcps.server.transport.DataPlaneSettings;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts what a node's cluster roles ask for: on {@code ps}, a data-plane endpoint and the shard
 * entities behind it; on {@code coordinator}, the training coordinator singleton. Every node joins
 * the sharding region (as a proxy when it is not {@code ps}) so the coordinator can reach the shards.
 */
public final class ParameterServerNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ParameterServerNode.class);
    public static final String PS_ROLE = "ps";
    public static final String COORDINATOR_ROLE = "coordinator";
    public static final String WORKER_ROLE = "worker";

    private final DataPlaneServer dataPlane;

    private ParameterServerNode(DataPlaneServer dataPlane) {
        this.dataPlane = dataPlane;
    }

    /**
     * @param job the job to coordinate when this node has the coordinator role
     * @param listener hears the coordinator's events (progress, completion) when it runs here
     */
    public static ParameterServerNode start(ActorSystem<?> system, Optional<JobSpec> job,
            ActorRef<TrainingCoordinator.Event> listener) throws InterruptedException {
        var roles = system.settings().config().getStringList("pekko.cluster.roles");
        DataPlaneServer dataPlane = null;
        ShardDirectory<ActorRef<ParameterShard.Command>> directory = new ShardDirectory<>();
        UpdateKernel kernel = UpdateKernels.best();
        DataPlaneSettings settings = DataPlaneSettings.fromConfig(system.settings().config());
        if (roles.contains(PS_ROLE)) {
            long started = System.nanoTime();
            UpdateKernels.warmUp(kernel);
            LOG.info("optimizer kernel {} compiled in {} ms", kernel.name(), (System.nanoTime() - started) / 1_000_000);
            dataPlane = DataPlaneServer.start(settings, new ShardFrameRouter(directory),
                    settings.inProcess() ? Optional.of(InProcessLoop.get(system).group()) : Optional.empty());
        }
        Props shardProps = dataPlane != null && settings.shardsOnInProcessLoop()
                ? DispatcherSelector.fromConfig(InProcessLoop.DISPATCHER_ID) : Props.empty();
        initShards(system, directory, dataPlane, kernel, shardProps);
        if (roles.contains(COORDINATOR_ROLE)) {
            JobSpec spec = job.orElseThrow(() -> new IllegalArgumentException(
                    "a node with the coordinator role needs a job to coordinate"));
            ActorRef<CoordinatorProtocol.Request> coordinator = ClusterSingleton.get(system).init(SingletonActor.of(
                    Behaviors.supervise(TrainingCoordinator.create(spec, listener)).onFailure(SupervisorStrategy.stop()),
                    "coordinator-" + spec.jobId())
                    .withSettings(ClusterSingletonSettings.create(system).withRole(COORDINATOR_ROLE)));
            LOG.info("coordinator singleton for job {} initialised ({})", spec.jobId(), coordinator.path());
        }
        ParameterServerNode node = new ParameterServerNode(dataPlane);
        system.getWhenTerminated().thenRun(node::close);
        return node;
    }

    private static void initShards(ActorSystem<?> system, ShardDirectory<ActorRef<ParameterShard.Command>> directory,
            DataPlaneServer dataPlane, UpdateKernel kernel, Props shardProps) {
        TensorChunker chunker = new TensorChunker(FrameSettings.fromConfig(system.settings().config()));
        ClusterSharding.get(system).init(Entity.of(ParameterShard.TYPE_KEY, context -> {
            if (dataPlane == null) {
                throw new IllegalStateException("shard " + context.getEntityId() + " allocated to a node without role ps");
            }
            return ParameterShard.create(context.getEntityId(), directory, dataPlane.advertisedAddress(), kernel, chunker);
        }).withRole(PS_ROLE).withMessageExtractor(new ShardPerEntityExtractor<>()).withEntityProps(shardProps));
    }

    /** The data-plane endpoint, when this node has the ps role. */
    public Optional<java.net.InetSocketAddress> dataPlaneAddress() {
        return Optional.ofNullable(dataPlane).map(DataPlaneServer::advertisedAddress);
    }

    @Override
    public void close() {
        if (dataPlane != null) {
            dataPlane.close();
        }
    }
}
