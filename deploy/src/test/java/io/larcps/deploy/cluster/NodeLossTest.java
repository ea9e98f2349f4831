package io.larcps.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.StepPlan;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.coordinator.TrainingCoordinator;
import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.ScheduleSettings;
import io.larcps.worker.Worker;
import io.larcps.worker.synthetic.SyntheticMlp;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A ps node leaves mid-job. Its shard restarts empty elsewhere; until checkpoints exist, the job must
 * stop with a clear reason instead of hanging or training on with missing weights.
 */
class NodeLossTest {
    private static final int STEPS = 400;

    /** The synthetic model, slowed down so the job is still running when the node leaves. */
    private static final class SlowMlp extends DelegatingSource {
        SlowMlp() {
            super(new SyntheticMlp(2048, 20, 16, 5, 42));
        }

        @Override
        public Contribution compute(float[][] weights, StepPlan plan, int participantIndex) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.compute(weights, plan, participantIndex);
        }
    }

    @Test
    void losingAShardsNodeStopsTheJobWithTheReason() throws InterruptedException {
        JobSpec job = new JobSpec("lossy", 1, 2, 64, STEPS, 2048, OptimizerSettings.apexLarc(0.02, 5e-4, 0.9),
                new ScheduleSettings("constant", 0.1, 256, 64, 0, STEPS, 0, 2, 1, 1));
        try (InProcessCluster cluster = new InProcessCluster(job, 2, rank -> new SlowMlp())) {
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
            assertThat(aborted.reason()).contains("lost its tensors").contains("checkpoint");
            Worker.Outcome outcome = cluster.outcomes().receiveMessage(Duration.ofSeconds(30));
            assertThat(outcome).isInstanceOf(Worker.GaveUp.class);
        }
    }
}
