package io.larcps.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.coordinator.TrainingCoordinator;
import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.ScheduleSettings;
import io.larcps.worker.Worker;
import io.larcps.worker.synthetic.SyntheticMlp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ps node leaves mid-job and its shard restarts empty elsewhere. Without checkpoints the job must stop
 * with a clear reason instead of hanging or training on with missing weights; with them, every shard
 * rolls back to the last checkpoint, the workers replay from there, and the job ends with the weights
 * it would have had without the loss, bit for bit.
 */
class NodeLossTest {
    private static final int STEPS = 400;
    private static final int RECOVERED_STEPS = 90;
    private static final int CHECKPOINT_EVERY = 10;

    @Test
    void losingAShardsNodeStopsTheJobWithTheReason() throws InterruptedException {
        JobSpec job = new JobSpec("lossy", 1, 2, 64, STEPS, 2048, OptimizerSettings.apexLarc(0.02, 5e-4, 0.9),
                new ScheduleSettings("constant", 0.1, 256, 64, 0, STEPS, 0, 2, 1, 1));
        try (InProcessCluster cluster = new InProcessCluster(job, 2, rank -> new SlowMlp(50))) {
            for (int step = 0; step < 5; step++) {
                assertThat(cluster.events().receiveMessage(Duration.ofSeconds(30)))
                        .isInstanceOf(TrainingCoordinator.StepCompleted.class);
            }
            cluster.stopNode(1);
            TrainingCoordinator.JobAborted aborted = cluster.events().fishForMessage(Duration.ofSeconds(60),
                    event -> event instanceof TrainingCoordinator.JobAborted
                            ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore())
                    .stream().map(TrainingCoordinator.JobAborted.class::cast).findFirst().orElseThrow();
            assertThat(aborted.reason()).contains("lost its tensors").contains("checkpoints are off");
            Worker.Outcome outcome = cluster.outcomes().receiveMessage(Duration.ofSeconds(30));
            assertThat(outcome).isInstanceOfSatisfying(Worker.GaveUp.class,
                    gaveUp -> assertThat(gaveUp.reason()).contains("lost its tensors"));
        }
    }

    @Test
    void withCheckpointsTheJobRollsBackAndEndsWithTheWeightsOfARunWithoutTheLoss(@TempDir Path checkpoints)
            throws InterruptedException, IOException {
        JobSpec job = new JobSpec("recovered", 2, 2, 64, RECOVERED_STEPS, 2048,
                OptimizerSettings.apexLarc(0.02, 5e-4, 0.9),
                new ScheduleSettings("cosine", 0.4, 256, 64, 5, RECOVERED_STEPS, 0, 2, 1, 1));
        float[][] expected = ReferenceTraining.train(job, rank -> new SyntheticMlp(2048, 20, 16, 5, 42));
        String settings = "larcps.checkpoint.directory = \"" + checkpoints + "\"\nlarcps.checkpoint.every-steps = "
                + CHECKPOINT_EVERY;
        try (InProcessCluster cluster = new InProcessCluster(job, 2, rank -> new SlowMlp(50), settings)) {
            for (int step = 0; step < 2 * CHECKPOINT_EVERY + 5; step++) {
                assertThat(cluster.events().receiveMessage(Duration.ofSeconds(30)))
                        .isInstanceOf(TrainingCoordinator.StepCompleted.class);
            }
            cluster.stopNode(1);
            List<TrainingCoordinator.Event> events = cluster.events().fishForMessage(Duration.ofSeconds(120),
                    event -> event instanceof TrainingCoordinator.JobCompleted || event instanceof TrainingCoordinator.JobAborted
                            ? FishingOutcomes.complete() : FishingOutcomes.continueAndCollect());
            assertThat(events.get(events.size() - 1)).isEqualTo(new TrainingCoordinator.JobCompleted(RECOVERED_STEPS));
            TrainingCoordinator.JobRewound rewound = events.stream().filter(TrainingCoordinator.JobRewound.class::isInstance)
                    .map(TrainingCoordinator.JobRewound.class::cast).findFirst().orElseThrow();
            assertThat(rewound.version()).isGreaterThanOrEqualTo(2 * CHECKPOINT_EVERY).isLessThan(RECOVERED_STEPS);
            assertThat(rewound.version() % CHECKPOINT_EVERY).isZero();
            assertThat(rewound.reason()).contains("lost its tensors").contains("rolls back to version " + rewound.version());

            List<Worker.Finished> finished = cluster.awaitFinished(job.workers(), Duration.ofSeconds(60));
            for (Worker.Finished worker : finished) {
                for (int t = 0; t < expected.length; t++) {
                    assertThat(worker.weights()[t]).as("rank %d tensor %d", worker.rank(), t).containsExactly(expected[t]);
                }
            }
        }
        Path version = checkpoints.resolve("recovered").resolve("version-" + CHECKPOINT_EVERY);
        assertThat(version.resolve("MANIFEST")).exists();
        assertThat(Files.readAllLines(version.resolve("MANIFEST"))).contains("tensor-0.weights.npy", "tensor-0.momentum.npy");
    }
}
