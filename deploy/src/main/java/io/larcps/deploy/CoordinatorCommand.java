package io.larcps.deploy;

import io.larcps.deploy.cli.CheckpointOptions;
import io.larcps.deploy.cli.ClusterOptions;
import io.larcps.deploy.cli.JobOptions;
import io.larcps.deploy.cli.ModelOptions;
import io.larcps.deploy.metrics.JobMeters;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.node.ParameterServerNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "coordinator", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the coordinator of one training job.",
                "With --with-ps it hosts parameter shards too. It waits for --workers workers to register,",
                "places the model's tensors on --shards shards, clocks the steps and exits when every worker",
                "holds the final weights. With --checkpoint-dir the job survives losing a ps node."})
final class CoordinatorCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Mixin
    JobOptions job;

    @Mixin
    ModelOptions model;

    @Mixin
    CheckpointOptions checkpoints;

    @Option(names = "--with-ps", description = "Also host parameter shards (role ps) in this process.")
    boolean withPs;

    @Option(names = "--ps-nodes", defaultValue = "1",
            description = "ps nodes to wait for before placing shards, so shards spread over them; default ${DEFAULT-VALUE}.")
    int psNodes;

    @Override
    public Integer call() throws Exception {
        String[] checkpointSettings = checkpoints.settings();
        JobSpec spec = job.spec(ModelCatalog.open(model).trainingSize());
        checkpoints.check(spec);
        List<String> roles = new ArrayList<>(List.of(ParameterServerNode.COORDINATOR_ROLE));
        if (withPs) {
            roles.add(ParameterServerNode.PS_ROLE);
        }
        ActorSystem<Void> system = NodeRuntime.start(cluster, roles, psNodes, checkpointSettings);
        try {
            Optional<JobMeters> meters = NodeRuntime.metrics(system, cluster).map(node -> node.job(spec));
            ProgressPrinter printer = new ProgressPrinter(System.out, false, spec.stepsPerEpoch(), spec.totalSteps(),
                    spec.globalBatch());
            JobProgress progress = JobProgress.spawn(system, step -> {
                printer.stepCompleted(step.step(), step.learningRate());
                meters.ifPresent(job -> job.stepCompleted(step));
            });
            ParameterServerNode.start(system, Optional.of(spec), progress.listener());
            long steps = progress.awaitCompletion();
            System.out.printf("job %s completed: %d steps in %.1f s%n", spec.jobId(), steps, printer.elapsedSeconds());
            return 0;
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
    }
}
