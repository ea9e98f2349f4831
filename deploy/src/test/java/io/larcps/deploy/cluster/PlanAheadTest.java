package io.larcps.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.RegisterWorker;
import io.larcps.proto.control.StepPlan;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.InProcessLoop;
import io.larcps.proto.protocol.CoordinatorProtocol;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.ScheduleSettings;
import io.larcps.worker.GradientSource;
import io.larcps.worker.synthetic.SyntheticMlp;
import io.larcps.worker.transport.ParameterClient;
import io.larcps.worker.transport.ShardRouting;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.Test;

/**
 * A synchronous worker hears of step t + 1's plan when step t starts, so it never waits for a plan
 * once it holds new weights. The test plays the worker (a probe for the coordinator's messages, a real
 * data-plane client for the tensors) against a real cluster, and checks what arrives before it pushes.
 */
class PlanAheadTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int STEPS = 3;

    @Test
    void eachPlanArrivesWhileTheStepBeforeItIsStillOpen() throws Exception {
        JobSpec job = new JobSpec("ahead", 1, 1, 16, STEPS, 256, OptimizerSettings.apexLarc(0.02, 5e-4, 0.9),
                new ScheduleSettings("cosine", 0.4, 256, 16, 1, STEPS, 0, 2, 1, 1));
        GradientSource model = new SyntheticMlp(256, 20, 16, 5, 42);
        try (InProcessCluster cluster = new InProcessCluster(job, 1)) {
            ActorTestKit node = cluster.workerNode();
            TestProbe<CoordinatorProtocol.WorkerEvent> worker = node.createTestProbe(CoordinatorProtocol.WorkerEvent.class);
            coordinator(node).tell(new CoordinatorProtocol.RegisterWorker(RegisterWorker.newBuilder()
                    .setJobId(job.jobId()).setWorkerId("probe").setHost("127.0.0.1").setLayout(model.layout())
                    .setBatchSize(16).build(), worker.getRef()));
            var registered = worker.expectMessageClass(CoordinatorProtocol.Registered.class, WAIT);
            try (ParameterClient client = new ParameterClient(FrameSettings.fromConfig(node.system().settings().config()),
                    job.jobId(), 0, ShardRouting.of(registered.assignment(), model.layout()), cluster.clientLoops(),
                    8 << 20, Optional.of(InProcessLoop.get(node.system()).group()))) {
                client.connect().get(30, TimeUnit.SECONDS);
                client.seed(model.initialWeights()).get(30, TimeUnit.SECONDS);
                float[][] weights = model.initialWeights();
                client.pull(0, weights).get(30, TimeUnit.SECONDS);
                StepPlan current = planned(worker);
                assertThat(current.getStep()).isZero();
                for (long step = 0; step < STEPS; step++) {
                    StepPlan next = null;
                    if (step + 1 < STEPS) {
                        // Nothing of this step is pushed yet, and the next one's plan is already here.
                        next = planned(worker);
                        assertThat(next.getStep()).isEqualTo(step + 1);
                    }
                    worker.expectNoMessage(Duration.ofMillis(200));
                    GradientSource.Contribution contribution = model.compute(weights, current, 0);
                    client.push(step, contribution.sums(), contribution.samples()).get(30, TimeUnit.SECONDS);
                    client.pull(step + 1, weights).get(30, TimeUnit.SECONDS);
                    current = next;
                }
                assertThat(worker.receiveMessage(WAIT)).isEqualTo(new CoordinatorProtocol.JobFinished(job.jobId(), STEPS));
            }
        }
    }

    private static StepPlan planned(TestProbe<CoordinatorProtocol.WorkerEvent> worker) {
        return worker.expectMessageClass(CoordinatorProtocol.StepPlanned.class, WAIT).plan();
    }

    private static ActorRef<CoordinatorProtocol.Request> coordinator(ActorTestKit node) {
        TestProbe<Receptionist.Listing> listings = node.createTestProbe(Receptionist.Listing.class);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            node.system().receptionist().tell(Receptionist.find(CoordinatorProtocol.SERVICE_KEY, listings.getRef()));
            var found = listings.receiveMessage(WAIT).getServiceInstances(CoordinatorProtocol.SERVICE_KEY);
            if (!found.isEmpty()) {
                return found.iterator().next();
            }
            listings.expectNoMessage(Duration.ofMillis(100));
        }
        throw new AssertionError("no coordinator registered with the receptionist within " + WAIT);
    }
}
