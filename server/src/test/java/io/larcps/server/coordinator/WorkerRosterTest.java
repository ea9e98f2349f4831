package io.larcps.server.coordinator;

import static io.larcps.server.coordinator.ShardPlacementTest.tensor;
import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.RegisterWorker;
import io.larcps.proto.control.TensorLayout;
import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.ScheduleSettings;
import org.junit.jupiter.api.Test;

class WorkerRosterTest {
    private final JobSpec job = new JobSpec("job", 2, 1, 64, 10, 640, OptimizerSettings.sgd(0, 0.9),
            new ScheduleSettings("constant", 0.1, 256, 64, 0, 10, 0, 1, 1, 1));
    private final TensorLayout layout = TensorLayout.newBuilder().addTensors(tensor("fc.W", 10, 4))
            .addTensors(tensor("fc.b", 10)).build();

    private RegisterWorker registration(String workerId, int batch, TensorLayout model) {
        return RegisterWorker.newBuilder().setJobId("job").setWorkerId(workerId).setBatchSize(batch).setLayout(model).build();
    }

    @Test
    void refusalsSayWhatIsWrong() {
        WorkerRoster roster = new WorkerRoster(job);
        assertThat(roster.refusal(registration("a", 32, layout).toBuilder().setJobId("other").build(), true))
                .hasValueSatisfying(reason -> assertThat(reason).contains("unknown job 'other'"));
        assertThat(roster.refusal(registration("a", 16, layout), true))
                .hasValueSatisfying(reason -> assertThat(reason).contains("batch is 16").contains("needs 32"));
        roster.admit(registration("a", 32, layout), null);
        TensorLayout other = layout.toBuilder().setTensors(1, tensor("fc.b", 11)).build();
        assertThat(roster.refusal(registration("b", 32, other), true))
                .hasValueSatisfying(reason -> assertThat(reason).contains("tensor 1").contains("'fc.b' [11]"));
        assertThat(roster.refusal(registration("b", 32, layout), false))
                .hasValueSatisfying(reason -> assertThat(reason).contains("already has its 2 workers"));
        assertThat(roster.refusal(registration("a", 32, layout), false)).as("a known worker may come back").isEmpty();
    }

    @Test
    void ranksFollowRegistrationAndSurviveARestart() {
        WorkerRoster roster = new WorkerRoster(job);
        assertThat(roster.admit(registration("a", 32, layout), null)).isZero();
        assertThat(roster.full()).isFalse();
        assertThat(roster.admit(registration("b", 32, layout), null)).isEqualTo(1);
        assertThat(roster.admit(registration("a", 32, layout), null)).isZero();
        assertThat(roster.full()).isTrue();
        assertThat(roster.layout()).isEqualTo(layout);
    }
}
