package io.larcps.deploy;

import io.larcps.deploy.cli.ClusterOptions;
import io.larcps.deploy.cli.JobOptions;
import io.larcps.deploy.cli.ModelOptions;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.node.ParameterServerNode;
import io.larcps.worker.Worker;
import io.larcps.worker.WorkerSetup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a model on a parameter-server cluster embedded in this JVM.",
                "A coordinator, --shards parameter shards and --workers workers run in this process. Shows",
                "progress, evaluates on the test set after every epoch and, with --out, writes report.json,",
                "the model and its weights as .npy."})
final class TrainCommand implements Callable<Integer> {
    /** With the defaults (mlp, batch 256, LARC 0.02, cosine from 0.1), 5 epochs pass 0.85 test accuracy. */
    static final int DEFAULT_EPOCHS = 5;

    @Mixin
    ModelOptions model;

    @Mixin
    JobOptions job;

    @Option(names = "--out", description = "Directory for report.json, the trained model and weights/*.npy.")
    Path out;

    @Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        TrainableModel trainable = ModelCatalog.open(model);
        JobSpec spec = job.spec(trainable.trainingSize(), DEFAULT_EPOCHS);
        TrainingReport report = new TrainingReport(trainable.name(), spec, model);
        System.out.printf("training %s: %d steps (%d per epoch) of global batch %d on %d workers and %d shards, "
                + "%s trust %s%n", trainable.name(), spec.totalSteps(), spec.stepsPerEpoch(), spec.globalBatch(),
                spec.workers(), spec.shards(), spec.optimizer().rule(), spec.optimizer().trustCoefficient());
        ActorSystem<Void> system = NodeRuntime.start(cluster, List.of(ParameterServerNode.COORDINATOR_ROLE,
                ParameterServerNode.PS_ROLE, ParameterServerNode.WORKER_ROLE), 1);
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ExecutorService evaluations = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "larcps-evaluation");
            thread.setDaemon(true);
            return thread;
        });
        try {
            ProgressPrinter printer = new ProgressPrinter(System.out, System.console() != null, spec.stepsPerEpoch(),
                    spec.totalSteps(), spec.globalBatch());
            JobProgress progress = JobProgress.spawn(system, step -> {
                printer.stepCompleted(step.step(), step.learningRate());
                report.stepCompleted(step);
            });
            ParameterServerNode.start(system, Optional.of(spec), progress.listener());
            WorkerOutcomes outcomes = WorkerOutcomes.spawn(system, spec.workers(), reached -> evaluations.submit(() ->
                    report.evaluated(reached.version(), trainable.evaluate(reached.weights()), printer.elapsedSeconds())));
            FrameSettings frames = FrameSettings.fromConfig(system.settings().config());
            long inFlight = system.settings().config().getBytes("larcps.worker.max-bytes-in-flight");
            for (int device = 0; device < spec.workers(); device++) {
                WorkerSetup setup = new WorkerSetup(spec.jobId(), "embedded/" + device, cluster.host(), device,
                        spec.batchPerWorker(), trainable.newSource(spec.batchPerWorker()), frames, inFlight, loops,
                        "larcps.worker.compute-dispatcher", spec.stepsPerEpoch());
                system.systemActorOf(Worker.create(setup, outcomes.ref()), "worker-" + device, Props.empty());
            }
            Worker.Finished finished = outcomes.await();
            progress.awaitCompletion();
            double wallSeconds = printer.elapsedSeconds();
            evaluations.shutdown();
            evaluations.awaitTermination(10, TimeUnit.MINUTES);
            if (finished.steps() % spec.stepsPerEpoch() != 0) {
                report.evaluated(finished.steps(), trainable.evaluate(finished.weights()), wallSeconds);
            }
            report.finished(wallSeconds);
            if (out != null) {
                report.write(out, trainable, finished.weights());
                System.out.println("wrote " + out.resolve("report.json") + " and " + out.resolve("weights"));
            }
            return 0;
        } finally {
            evaluations.shutdownNow();
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
