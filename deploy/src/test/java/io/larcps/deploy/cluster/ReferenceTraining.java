package io.larcps.deploy.cluster;

import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.TensorLayout;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.optim.LayerwiseOptimizer;
import io.larcps.server.optim.TensorState;
import io.larcps.server.optim.UpdateKernels;
import io.larcps.worker.GradientSource;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The single-process loop the cluster must reproduce bit for bit: each rank's gradient sums computed
 * on the same samples, added in rank order, divided by the global sample count, one optimizer step.
 */
final class ReferenceTraining {
    private ReferenceTraining() {
    }

    static float[][] train(JobSpec job, IntFunction<GradientSource> sources) {
        GradientSource[] ranks = IntStream.range(0, job.workers()).mapToObj(sources).toArray(GradientSource[]::new);
        TensorLayout layout = ranks[0].layout();
        float[][] weights = ranks[0].initialWeights();
        TensorState[] tensors = new TensorState[weights.length];
        for (int i = 0; i < weights.length; i++) {
            tensors[i] = new TensorState(layout.getTensors(i).getName(), weights[i],
                    layout.getTensors(i).getExcludeFromLarc(), layout.getTensors(i).getExcludeFromWeightDecay());
        }
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(job.optimizer(), UpdateKernels.best());
        for (long step = 0; step < job.totalSteps(); step++) {
            StepPlan plan = StepPlan.newBuilder()
                    .setJobId(job.jobId())
                    .setStep(step)
                    .setEpoch(step / job.stepsPerEpoch())
                    .addAllParticipantRanks(IntStream.range(0, job.workers()).boxed().toList())
                    .setGlobalBatch(job.globalBatch())
                    .setSampleOffset((step % job.stepsPerEpoch()) * job.globalBatch())
                    .setLearningRate(job.learningRates().at(step))
                    .build();
            GradientSource.Contribution[] contributions = new GradientSource.Contribution[ranks.length];
            long samples = 0;
            for (int rank = 0; rank < ranks.length; rank++) {
                contributions[rank] = ranks[rank].compute(weights, plan, rank);
                samples += contributions[rank].samples();
            }
            for (int t = 0; t < tensors.length; t++) {
                float[] sum = new float[weights[t].length];
                for (GradientSource.Contribution contribution : contributions) {
                    float[] values = contribution.sums().toArray(t);
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += values[i];
                    }
                }
                optimizer.step(tensors[t], sum, 1f / samples, plan.getLearningRate());
            }
        }
        return weights;
    }
}
