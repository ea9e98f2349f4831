package io.larcps.proto.serialization;

import com.google.protobuf.Message;
import io.larcps.proto.control.CheckpointCommand;
import io.larcps.proto.control.CheckpointWritten;
import io.larcps.proto.control.DType;
import io.larcps.proto.control.RegisterWorker;
import io.larcps.proto.control.RegistrationRejected;
import io.larcps.proto.control.ShardAssignment;
import io.larcps.proto.control.ShardEndpoint;
import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import io.larcps.proto.control.WorkerRegistered;
import java.util.List;

/** One instance of every control.proto message with every field set to a non-default value. */
final class ControlMessageSamples {

    private ControlMessageSamples() {
    }

    static final TensorSpec SPEC = TensorSpec.newBuilder()
            .setName("conv1/W")
            .addShape(64).addShape(3).addShape(7).addShape(7)
            .setDtype(DType.BFLOAT16)
            .setKind(TensorKind.RUNNING_STATISTIC)
            .setExcludeFromLarc(true)
            .setExcludeFromWeightDecay(true)
            .setColumnMajor(true)
            .build();

    static final TensorLayout LAYOUT = TensorLayout.newBuilder().addTensors(SPEC)
            .addTensors(SPEC.toBuilder().setName("conv1/b").clearShape().addShape(64).setDtype(DType.FLOAT32)).build();

    static final ShardEndpoint ENDPOINT = ShardEndpoint.newBuilder().setShard(1).setHost("ps-1.local").setPort(40123).build();

    static List<Message> all() {
        return List.of(
                SPEC,
                LAYOUT,
                RegisterWorker.newBuilder().setJobId("resnet50").setWorkerId("worker-3/gpu1").setHost("node-7")
                        .setDeviceIndex(1).setLayout(LAYOUT).setBatchSize(256).build(),
                WorkerRegistered.newBuilder().setJobId("resnet50").setRank(3).setWorldSize(8).setResumed(true)
                        .setStartVersion(1800).build(),
                RegistrationRejected.newBuilder().setJobId("resnet50").setReason("layout differs at tensor 2").build(),
                ENDPOINT,
                ShardAssignment.newBuilder().setJobId("resnet50").setShardCount(3).addShardOfTensor(1).addShardOfTensor(2)
                        .addEndpoints(ENDPOINT).addEndpoints(ENDPOINT.toBuilder().setShard(2).setPort(40124))
                        .setVersion(5).build(),
                StepPlan.newBuilder().setJobId("resnet50").setStep(1234).setEpoch(3).addParticipantRanks(0)
                        .addParticipantRanks(2).setGlobalBatch(512).setSampleOffset(631_808).setLearningRate(0.0125)
                        .build(),
                CheckpointCommand.newBuilder().setJobId("resnet50").setStep(1000).setDirectory("/ckpt/step-1000").build(),
                CheckpointWritten.newBuilder().setJobId("resnet50").setStep(1000).setShard(1)
                        .addFiles("shard-1/conv1_W.npy").addFiles("shard-1/momentum/conv1_W.npy").build());
    }
}
