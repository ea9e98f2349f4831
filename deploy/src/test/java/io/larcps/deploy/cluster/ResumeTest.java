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
 * A job whose whole cluster stopped mid-run is started again with {@code larcps.checkpoint.resume}: its
 * shards restore the last complete checkpoint, the workers run the steps after it, and the job ends
 * with the weights of a run that never stopped, bit for bit.
 */
class ResumeTest {
    private static final int STEPS = 60;
    private static final int CHECKPOINT_EVERY = 10;

    private static JobSpec job() {
        return new JobSpec("resumed", 2, 2, 64, STEPS, 2048, OptimizerSettings.apexLarc(0.02, 5e-4, 0.9),
                new ScheduleSettings("cosine", 0.4, 256, 64, 5, STEPS, 0, 2, 1, 1));
    }

    private static String settings(Path checkpoints, boolean resume) {
        return "larcps.checkpoint.directory = \"" + checkpoints + "\"\nlarcps.checkpoint.every-steps = "
                + CHECKPOINT_EVERY + "\nlarcps.checkpoint.resume = " + (resume ? "on" : "off");
    }

    @Test
    void aStoppedJobResumesFromItsLastCheckpointAndEndsWithTheWeightsOfARunThatNeverStopped(@TempDir Path checkpoints)
            throws InterruptedException, IOException {
        JobSpec job = job();
        float[][] expected = ReferenceTraining.train(job, rank -> new SyntheticMlp(2048, 20, 16, 5, 42));
        try (InProcessCluster first = new InProcessCluster(job, 2, rank -> new SlowMlp(20),
                settings(checkpoints, false))) {
            for (int step = 0; step < 2 * CHECKPOINT_EVERY + 5; step++) {
                assertThat(first.events().receiveMessage(Duration.ofSeconds(30)))
                        .isInstanceOf(TrainingCoordinator.StepCompleted.class);
            }
        }
        assertThat(checkpoints.resolve("resumed").resolve("version-" + 2 * CHECKPOINT_EVERY).resolve("MANIFEST"))
                .exists();

        try (InProcessCluster second = new InProcessCluster(job, 2, rank -> new SlowMlp(20),
                settings(checkpoints, true))) {
            List<TrainingCoordinator.Event> events = second.events().fishForMessage(Duration.ofSeconds(120),
                    event -> event instanceof TrainingCoordinator.JobCompleted || event instanceof TrainingCoordinator.JobAborted
                            ? FishingOutcomes.complete() : FishingOutcomes.continueAndCollect());
            assertThat(events.get(events.size() - 1)).isEqualTo(new TrainingCoordinator.JobCompleted(STEPS));
            TrainingCoordinator.JobResumed resumed = (TrainingCoordinator.JobResumed) events.get(0);
            assertThat(resumed.version()).isGreaterThanOrEqualTo(2 * CHECKPOINT_EVERY).isLessThan(STEPS);
            assertThat(resumed.directory()).isEqualTo(checkpoints.toString());
            TrainingCoordinator.StepCompleted firstStep = (TrainingCoordinator.StepCompleted) events.get(1);
            assertThat(firstStep.step()).as("the first step after the checkpoint's version").isEqualTo(resumed.version());

            List<Worker.Finished> finished = second.awaitFinished(job.workers(), Duration.ofSeconds(60));
            for (Worker.Finished worker : finished) {
                for (int t = 0; t < expected.length; t++) {
                    assertThat(worker.weights()[t]).as("rank %d tensor %d", worker.rank(), t).containsExactly(expected[t]);
                }
            }
        }
    }

    @Test
    void resumingWithoutACompleteCheckpointStopsTheJobWithTheReason(@TempDir Path checkpoints)
            throws InterruptedException, IOException {
        Files.createDirectories(checkpoints.resolve("resumed").resolve("version-10"));
        assertAborted(checkpoints, true, "no complete checkpoint of job resumed in " + checkpoints);
    }

    @Test
    void aCheckpointAtTheJobsEndLeavesNothingToResume(@TempDir Path checkpoints)
            throws InterruptedException, IOException {
        completeVersion(checkpoints, STEPS);
        assertAborted(checkpoints, true, "the checkpoint of version " + STEPS + " in " + checkpoints
                + " is at or past the job's " + STEPS + " steps");
    }

    @Test
    void aNewRunDoesNotOverwriteAnEarlierRunsCheckpoints(@TempDir Path checkpoints)
            throws InterruptedException, IOException {
        completeVersion(checkpoints, 10);
        assertAborted(checkpoints, false, "already holds checkpoints of job resumed (the last complete one is version 10)");
        assertThat(checkpoints.resolve("resumed").resolve("version-0")).as("nothing was written").doesNotExist();
    }

    /** A version that looks complete: only its manifest is looked at before the shards restore it. */
    private static void completeVersion(Path checkpoints, long version) throws IOException {
        Path directory = Files.createDirectories(checkpoints.resolve("resumed").resolve("version-" + version));
        Files.writeString(directory.resolve("MANIFEST"), "tensor-0.weights.npy\n");
    }

    /** The job stops with {@code reason} before any step, and its workers give up with it. */
    private static void assertAborted(Path checkpoints, boolean resume, String reason) throws InterruptedException {
        JobSpec job = job();
        try (InProcessCluster cluster = new InProcessCluster(job, 2, rank -> new SlowMlp(20),
                settings(checkpoints, resume))) {
            TrainingCoordinator.Event event = cluster.events().receiveMessage(Duration.ofSeconds(60));
            assertThat(event).isInstanceOfSatisfying(TrainingCoordinator.JobAborted.class, aborted ->
                    assertThat(aborted.reason()).contains(reason));
            for (int w = 0; w < job.workers(); w++) {
                assertThat(cluster.outcomes().receiveMessage(Duration.ofSeconds(30))).isInstanceOfSatisfying(
                        Worker.GaveUp.class, gaveUp -> assertThat(gaveUp.reason()).contains(reason));
            }
        }
    }
}
