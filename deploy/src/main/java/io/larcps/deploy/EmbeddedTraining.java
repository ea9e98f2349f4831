package io.larcps.deploy;

import io.larcps.deploy.cli.ClusterOptions;
import io.larcps.deploy.cli.ModelOptions;
import io.larcps.deploy.metrics.JobMeters;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.InProcessEndpoints;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.node.ParameterServerNode;
import io.larcps.worker.Worker;
import io.larcps.worker.WorkerSetup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * One training job on a cluster embedded in this JVM: a coordinator, the job's shards and workers in
 * one ActorSystem, talking over the real data plane on loopback. Each run starts and stops its own
 * cluster, so runs in a row (a sweep) share nothing but the JVM.
 */
final class EmbeddedTraining {
    /** What a run leaves: its report (metrics, trust factors) and the final weights of rank 0. */
    record Result(TrainingReport report, float[][] weights) {
    }

    private final ClusterOptions cluster;

    EmbeddedTraining(ClusterOptions cluster) {
        this.cluster = cluster;
    }

    /** Trains {@code trainable} as {@code spec} says; prints progress and per-epoch test metrics. */
    Result run(TrainableModel trainable, JobSpec spec, ModelOptions model) throws InterruptedException, IOException {
        TrainingReport report = new TrainingReport(trainable.name(), spec, model);
        System.out.printf("training %s: %d steps (%d per epoch) of global batch %d on %d workers and %d shards, "
                + "%s trust %s%n", trainable.name(), spec.totalSteps(), spec.stepsPerEpoch(), spec.globalBatch(),
                spec.workers(), spec.shards(), spec.optimizer().rule(), spec.optimizer().trustCoefficient());
        // Every worker is in process here, so the shards run on the in-process data plane's loop
        // (unless the in-process data plane is turned off).
        ActorSystem<Void> system = NodeRuntime.start(cluster, List.of(ParameterServerNode.COORDINATOR_ROLE,
                ParameterServerNode.PS_ROLE, ParameterServerNode.WORKER_ROLE), 1,
                "larcps.data-plane-server.shards-on-in-process-loop = ${" + InProcessEndpoints.CONFIG_KEY + "}");
        Optional<JobMeters> meters = NodeRuntime.metrics(system, cluster).map(node -> node.job(spec));
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        // Evaluation runs beside training on its own thread so an epoch's test pass never stalls the steps.
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
                meters.ifPresent(job -> job.stepCompleted(step));
            });
            ParameterServerNode.start(system, Optional.of(spec), progress.listener());
            WorkerOutcomes outcomes = WorkerOutcomes.spawn(system, spec.workers(), reached -> evaluations.submit(() ->
                    report.evaluated(reached.version(), trainable.evaluate(reached.weights()), printer.elapsedSeconds(),
                            reached.times())));
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
                report.evaluated(finished.steps(), trainable.evaluate(finished.weights()), wallSeconds, finished.times());
            }
            report.rankZeroTimes(finished.times());
            report.finished(wallSeconds);
            return new Result(report, finished.weights());
        } finally {
            evaluations.shutdownNow();
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
