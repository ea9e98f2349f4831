package io.larcps.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.coordinator.TrainingCoordinator;
import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.ScheduleSettings;
import io.larcps.worker.GradientSource;
import io.larcps.worker.Worker;
import io.larcps.worker.synthetic.SyntheticMlp;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The property that makes large-batch results mean anything: K workers of batch b give the weights
 * of one process with batch K*b, and the shard count changes not a bit. Real clusters in one JVM.
 */
class SynchronousTrainingTest {
    private static final int STEPS = 30;
    private static final int GLOBAL_BATCH = 64;
    private static final IntFunction<GradientSource> MODEL = rank -> new SyntheticMlp(2048, 20, 16, 5, 42);

    private static JobSpec job(int workers, int shards) {
        return new JobSpec("mlp", workers, shards, GLOBAL_BATCH, STEPS, 2048,
                OptimizerSettings.apexLarc(0.02, 5e-4, 0.9),
                new ScheduleSettings("cosine", 0.4, 256, GLOBAL_BATCH, 5, STEPS, 0, 2, 1, 1));
    }

    private static float[][] trainOnCluster(JobSpec job, int psNodes) throws InterruptedException {
        try (InProcessCluster cluster = new InProcessCluster(job, psNodes, MODEL)) {
            List<Worker.Finished> finished = cluster.awaitFinished(job.workers(), Duration.ofSeconds(60));
            for (int step = 0; step < STEPS; step++) {
                TrainingCoordinator.Event event = cluster.events().receiveMessage(Duration.ofSeconds(5));
                assertThat(event).isInstanceOfSatisfying(TrainingCoordinator.StepCompleted.class,
                        completed -> assertThat(completed.poisonedContributions()).isZero());
            }
            assertThat(cluster.events().receiveMessage()).isEqualTo(new TrainingCoordinator.JobCompleted(STEPS));
            for (Worker.Finished worker : finished) {
                assertThat(worker.steps()).isEqualTo(STEPS);
                for (int t = 0; t < worker.weights().length; t++) {
                    assertThat(worker.weights()[t]).as("rank %d tensor %d", worker.rank(), t)
                            .containsExactly(finished.get(0).weights()[t]);
                }
            }
            return finished.get(0).weights();
        }
    }

    @Test
    void kWorkersGiveTheWeightsOfOneProcessBitForBit() throws InterruptedException {
        for (int workers : new int[] {1, 2, 4}) {
            JobSpec job = job(workers, 2);
            float[][] expected = ReferenceTraining.train(job, MODEL);
            float[][] got = trainOnCluster(job, 2);
            for (int t = 0; t < expected.length; t++) {
                assertThat(got[t]).as("K=%d tensor %d", workers, t).containsExactly(expected[t]);
            }
        }
    }

    @Test
    void asynchronousModeWithOneWorkerIsTheSynchronousRunAndWithTwoStillTrains() throws InterruptedException {
        float[][] alone = trainOnCluster(job(1, 2).asynchronous(0), 2);
        float[][] reference = ReferenceTraining.train(job(1, 2), MODEL);
        for (int t = 0; t < reference.length; t++) {
            assertThat(alone[t]).as("async K=1 tensor %d", t).containsExactly(reference[t]);
        }
        // Two workers, each running all 30 steps of its own on half the batch, at most one step apart.
        float[][] pair = trainOnCluster(job(2, 2).asynchronous(1), 2);
        SyntheticMlp model = new SyntheticMlp(2048, 20, 16, 5, 42);
        assertThat(model.accuracy(pair)).isGreaterThan(model.accuracy(model.initialWeights()) + 0.2);
    }

    @Test
    void theShardCountChangesNotABit() throws InterruptedException {
        Map<Integer, float[][]> byShards = new HashMap<>();
        for (int shards : new int[] {1, 2, 3}) {
            byShards.put(shards, trainOnCluster(job(2, shards), 2));
        }
        float[][] reference = ReferenceTraining.train(job(2, 1), MODEL);
        for (int shards : new int[] {1, 2, 3}) {
            for (int t = 0; t < reference.length; t++) {
                assertThat(byShards.get(shards)[t]).as("S=%d tensor %d", shards, t).containsExactly(reference[t]);
            }
        }
        SyntheticMlp model = new SyntheticMlp(2048, 20, 16, 5, 42);
        assertThat(model.accuracy(byShards.get(2))).as("the job actually trains")
                .isGreaterThan(model.accuracy(model.initialWeights()) + 0.2);
    }
}
