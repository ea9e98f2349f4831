package io.larcps.worker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larcps.proto.control.DType;
import io.larcps.proto.control.ShardAssignment;
import io.larcps.proto.control.ShardEndpoint;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import org.junit.jupiter.api.Test;

class ShardRoutingTest {

    private static final Endpoint A = new Endpoint("ps-a", 7001);
    private static final Endpoint B = new Endpoint("ps-b", 7002);

    @Test
    void mapsTensorsToShardsAndShardsToEndpoints() {
        ShardRouting routing = Layouts.routing(new int[] {1, 0, 2}, new int[] {3, 5, 7}, A, B, A);

        assertThat(routing.tensorCount()).isEqualTo(3);
        assertThat(routing.shardCount()).isEqualTo(3);
        assertThat(routing.elementCount(2)).isEqualTo(7);
        assertThat(routing.shardOf(0)).isEqualTo(1);
        assertThat(routing.endpointOf(routing.shardOf(0))).isEqualTo(B);
        assertThat(routing.endpoints()).as("one connection per distinct endpoint").containsExactly(A, B);
        assertThat(routing.shardsAt(A)).containsExactly(0, 2);
        assertThat(routing.totalElements()).isEqualTo(15);
        assertThat(routing.describe(1)).isEqualTo("tensor 1 (t1)");
    }

    @Test
    void elementCountIsTheProductOfTheShapeAndOneForAScalar() {
        TensorLayout layout = TensorLayout.newBuilder()
                .addTensors(spec("conv/W").addShape(64).addShape(3).addShape(7).addShape(7))
                .addTensors(spec("scale"))
                .build();
        ShardRouting routing = ShardRouting.of(Layouts.assignment(new int[] {0, 0}, A), layout);

        assertThat(routing.elementCount(0)).isEqualTo(64 * 3 * 7 * 7);
        assertThat(routing.elementCount(1)).isEqualTo(1);
    }

    @Test
    void rejectsAnAssignmentThatDoesNotCoverTheLayout() {
        assertThatThrownBy(() -> ShardRouting.of(Layouts.assignment(new int[] {0}, A), Layouts.layout(1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shard_of_tensor has 1 entries but the layout has 2 tensors");
    }

    @Test
    void rejectsATensorOnAShardOutsideTheShardCount() {
        assertThatThrownBy(() -> Layouts.routing(new int[] {0, 2}, new int[] {1, 1}, A, B))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor 1 (t1) is assigned to shard 2, outside [0, 2)");
    }

    @Test
    void rejectsAShardWithoutEndpointOrWithTwo() {
        ShardAssignment missing = Layouts.assignment(new int[] {0, 1}, A, B).toBuilder().removeEndpoints(1).build();
        assertThatThrownBy(() -> ShardRouting.of(missing, Layouts.layout(1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shard 1 has no endpoint");

        ShardAssignment twice = Layouts.assignment(new int[] {0, 0}, A).toBuilder()
                .addEndpoints(ShardEndpoint.newBuilder().setShard(0).setHost("other").setPort(1))
                .build();
        assertThatThrownBy(() -> ShardRouting.of(twice, Layouts.layout(1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shard 0 has two endpoints");
    }

    @Test
    void rejectsAnEndpointThatIsNotATcpAddress() {
        ShardAssignment badPort = Layouts.assignment(new int[] {0}, A).toBuilder()
                .setEndpoints(0, ShardEndpoint.newBuilder().setShard(0).setHost("ps-a").setPort(0))
                .build();
        assertThatThrownBy(() -> ShardRouting.of(badPort, Layouts.layout(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port 0");
    }

    @Test
    void rejectsTensorsThisClientCannotCarry() {
        TensorLayout halfPrecision = TensorLayout.newBuilder().addTensors(spec("w").addShape(4).setDtype(DType.FLOAT16)).build();
        assertThatThrownBy(() -> ShardRouting.of(Layouts.assignment(new int[] {0}, A), halfPrecision))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor 0 (w) has dtype FLOAT16");

        TensorLayout huge = TensorLayout.newBuilder().addTensors(spec("w").addShape(1 << 16).addShape(1 << 16)).build();
        assertThatThrownBy(() -> ShardRouting.of(Layouts.assignment(new int[] {0}, A), huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more elements than a Java array can hold");

        TensorLayout negative = TensorLayout.newBuilder().addTensors(spec("w").addShape(-1)).build();
        assertThatThrownBy(() -> ShardRouting.of(Layouts.assignment(new int[] {0}, A), negative))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative dimension");
    }

    private static TensorSpec.Builder spec(String name) {
        return TensorSpec.newBuilder().setName(name).setDtype(DType.FLOAT32);
    }
}
