package io.larcps.deploy;

import io.larcps.deploy.cli.ClusterOptions;
import io.larcps.deploy.cli.ModelOptions;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.server.node.ParameterServerNode;
import io.larcps.worker.Worker;
import io.larcps.worker.WorkerSetup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs worker actors, one per device.",
                "They register with the job's coordinator, compute gradients and push them to the parameter",
                "shards. Exits when the job ends."})
final class WorkerCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ModelOptions model;

    @Option(names = "--job-id", defaultValue = "larcps", description = "The job to join; default ${DEFAULT-VALUE}.")
    String jobId;

    @Option(names = "--batch", required = true,
            description = "Samples per step on each device of this process (global batch / workers).")
    int batch;

    @Option(names = "--devices", defaultValue = "1",
            description = "Worker actors in this process, one per device; default ${DEFAULT-VALUE}.")
    int devices;

    @Option(names = "--out", description = "Directory for the final weights (weights/*.npy and weights/index.json).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (devices <= 0 || batch <= 0) {
            throw new IllegalArgumentException("--devices and --batch must be > 0");
        }
        TrainableModel trainable = ModelCatalog.open(model);
        ActorSystem<Void> system = NodeRuntime.start(cluster, List.of(ParameterServerNode.WORKER_ROLE), 1);
        NodeRuntime.metrics(system, cluster);
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            ParameterServerNode.start(system, Optional.empty(), system.ignoreRef());
            FrameSettings frames = FrameSettings.fromConfig(system.settings().config());
            long inFlight = system.settings().config().getBytes("larcps.worker.max-bytes-in-flight");
            String host = InetAddress.getLocalHost().getHostName();
            WorkerOutcomes outcomes = WorkerOutcomes.spawn(system, devices);
            for (int device = 0; device < devices; device++) {
                WorkerSetup setup = new WorkerSetup(jobId, host + "/" + ProcessHandle.current().pid() + "/" + device,
                        host, device, batch, trainable.newSource(batch), frames, inFlight, loops, "larcps.worker.compute-dispatcher", 0);
                system.systemActorOf(Worker.create(setup, outcomes.ref()), "worker-" + device,
                        org.apache.pekko.actor.typed.Props.empty());
            }
            Worker.Finished first = outcomes.await();
            System.out.println(TrainingReport.describe(first.times()));
            if (out != null) {
                WeightsExport.write(out.resolve("weights"), trainable.layout(), first.weights());
                System.out.println("final weights of rank " + first.rank() + " written to " + out.resolve("weights"));
            }
            return 0;
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            loops.shutdownGracefully().syncUninterruptibly();
        }
    }
}
