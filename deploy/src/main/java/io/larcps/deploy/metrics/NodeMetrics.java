package io.larcps.deploy.metrics;

import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.node.ParameterServerNode;
import io.larcps.server.shard.ParameterShard;
import io.larcps.worker.Worker;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's metrics endpoint and the meters its roles feed: the JVM's memory, collections, threads and
 * CPU on every node; each shard's step stamps on a ps node ({@link ShardStepMeters}); each worker's
 * split of its steps on a worker node ({@link WorkerStepMeters}); the job's steps and LARC factors
 * where the caller hears the coordinator ({@link #job}).
 */
public final class NodeMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMetrics.class);

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics collections;
    private final MetricsEndpoint endpoint;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NodeMetrics(PrometheusMeterRegistry registry, JvmGcMetrics collections, MetricsEndpoint endpoint) {
        this.registry = registry;
        this.collections = collections;
        this.endpoint = endpoint;
    }

    /**
     * Starts serving when {@code larcps.metrics.port} says so; empty when it is off.
     *
     * @param nodeHost the node's address, bound when {@code larcps.metrics.bind-host} is empty
     */
    public static Optional<NodeMetrics> start(ActorSystem<?> system, String nodeHost) throws IOException {
        MetricsSettings settings = MetricsSettings.fromConfig(system.settings().config(), nodeHost);
        if (!settings.enabled()) {
            return Optional.empty();
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmGcMetrics collections = new JvmGcMetrics();
        try {
            new JvmMemoryMetrics().bindTo(registry);
            collections.bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            List<String> roles = system.settings().config().getStringList("pekko.cluster.roles");
            if (roles.contains(ParameterServerNode.PS_ROLE)) {
                system.systemActorOf(EventStreamMeter.create(ParameterShard.StepTimed.class,
                        new ShardStepMeters(registry)), "shard-step-meter", Props.empty());
            }
            if (roles.contains(ParameterServerNode.WORKER_ROLE)) {
                system.systemActorOf(EventStreamMeter.create(Worker.StepDone.class, new WorkerStepMeters(registry)),
                        "worker-step-meter", Props.empty());
            }
            MetricsEndpoint endpoint = MetricsEndpoint.start(settings.bindHost(), settings.port(), registry);
            NodeMetrics metrics = new NodeMetrics(registry, collections, endpoint);
            // Whatever path stops the node also stops the endpoint, whose server thread would keep the JVM up.
            system.getWhenTerminated().thenRun(metrics::close);
            LOG.info("metrics at http://{}:{}{}", endpoint.address().getHostString(), endpoint.address().getPort(),
                    MetricsEndpoint.PATH);
            return Optional.of(metrics);
        } catch (IOException | RuntimeException e) {
            collections.close();
            registry.close();
            throw e;
        }
    }

    /** Meters for a job whose coordinator events this node's caller hears. */
    public JobMeters job(JobSpec job) {
        return new JobMeters(registry, job);
    }

    public InetSocketAddress address() {
        return endpoint.address();
    }

    /** Stops serving and lets go of the meters; only the first call does anything. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            endpoint.close();
            collections.close();
            registry.close();
        }
    }
}
