package io.larcps.deploy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.coordinator.TrainingCoordinator;
import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.ScheduleSettings;
import io.larcps.server.shard.ParameterShard;
import io.larcps.worker.StepTimes;
import io.larcps.worker.Worker;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real node's event stream and coordinator events, scraped over HTTP on loopback. */
class NodeMetricsTest {
    private static final long MS = 1_000_000L;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ActorTestKit kit;

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.shutdownTestKit();
        }
    }

    @Test
    void noEndpointUnlessThePortSaysSo() throws Exception {
        assertThat(start("pekko.cluster.roles = [ps]")).isEmpty();
    }

    @Test
    void theEndpointStopsWithItsNode() throws Exception {
        NodeMetrics metrics = start("larcps.metrics.port = 0").orElseThrow();
        assertThat(scrape(metrics)).contains("jvm_threads_live_threads");
        kit.shutdownTestKit();
        kit = null;
        boolean refused = false;
        for (int attempt = 0; attempt < 100 && !refused; attempt++) {
            try {
                scrape(metrics);
                Thread.sleep(50);
            } catch (ConnectException e) {
                refused = true;
            }
        }
        assertThat(refused).as("the endpoint refuses connections once its node has terminated").isTrue();
    }

    @Test
    void aPsNodeServesItsShardsStepTimesAndBytes() throws Exception {
        try (NodeMetrics metrics = start("pekko.cluster.roles = [ps]\nlarcps.metrics.port = 0").orElseThrow()) {
            awaitHeard(metrics, () -> publish(probe()));
            publish(new ParameterShard.StepTimed("j", 1, ParameterShard.ALL_WORKERS, 0, 2000, 0, 30 * MS, 40 * MS));
            publish(new ParameterShard.StepTimed("j", 1, ParameterShard.ALL_WORKERS, 1, 3000, 100 * MS, 150 * MS,
                    152 * MS));

            String body = scrapeFor(metrics, "larcps_shard_gradient_bytes_total{job=\"j\",shard=\"1\"} 5000.0",
                    "larcps_shard_gather_seconds_count{job=\"j\",shard=\"1\"} 2",
                    "larcps_shard_gather_seconds_sum{job=\"j\",shard=\"1\"} 0.08\n",
                    "larcps_shard_optimizer_seconds_count{job=\"j\",shard=\"1\"} 2",
                    "larcps_shard_optimizer_seconds_sum{job=\"j\",shard=\"1\"} 0.012\n");
            assertThat(body).contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void aShardWithoutTensorsHasNoGatherTime() throws Exception {
        try (NodeMetrics metrics = start("pekko.cluster.roles = [ps]\nlarcps.metrics.port = 0").orElseThrow()) {
            awaitHeard(metrics, () -> publish(probe()));
            publish(new ParameterShard.StepTimed("j", 2, ParameterShard.ALL_WORKERS, 0, 0, ParameterShard.NO_CHUNK_YET,
                    10 * MS, 11 * MS));

            String body = scrapeFor(metrics, "larcps_shard_optimizer_seconds_count{job=\"j\",shard=\"2\"} 1",
                    "larcps_shard_gradient_bytes_total{job=\"j\",shard=\"2\"} 0.0");
            assertThat(body).doesNotContain("larcps_shard_gather_seconds_count{job=\"j\",shard=\"2\"}");
        }
    }

    @Test
    void aWorkerNodeServesEachPartOfItsWorkersSteps() throws Exception {
        try (NodeMetrics metrics = start("pekko.cluster.roles = [worker]\nlarcps.metrics.port = 0").orElseThrow()) {
            awaitHeard(metrics, () -> kit.system().eventStream().tell(new EventStream.Publish<>(
                    new Worker.StepDone("probe", 0, 0, new StepTimes(1, 0, 0, 0, 0)))));
            kit.system().eventStream().tell(new EventStream.Publish<>(
                    new Worker.StepDone("j", 3, 7, new StepTimes(1, 0.25, 0.5, 0.125, 0.0625))));

            String body = scrapeFor(metrics, "larcps_worker_compute_seconds_sum{job=\"j\",rank=\"3\"} 0.25\n",
                    "larcps_worker_push_seconds_sum{job=\"j\",rank=\"3\"} 0.5\n",
                    "larcps_worker_pull_seconds_sum{job=\"j\",rank=\"3\"} 0.125\n",
                    "larcps_worker_wait_seconds_sum{job=\"j\",rank=\"3\"} 0.0625\n",
                    "larcps_worker_wait_seconds_count{job=\"j\",rank=\"3\"} 1\n");
            assertThat(body).doesNotContain("larcps_shard_");
        }
    }

    @Test
    void jobMetersGiveStepsLearningRatePoisonedContributionsAndEachLayersFactor() throws Exception {
        try (NodeMetrics metrics = start("larcps.metrics.port = 0").orElseThrow()) {
            JobMeters job = metrics.job(new JobSpec("j", 1, 1, 64, 10, 2048, OptimizerSettings.apexLarc(0.02, 5e-4, 0.9),
                    new ScheduleSettings("constant", 0.1, 256, 64, 0, 10, 0, 2, 1, 1)));
            job.stepCompleted(new TrainingCoordinator.StepCompleted(0, 0.4, 0, Arrays.asList(0.5, null, Double.NaN)));
            job.stepCompleted(new TrainingCoordinator.StepCompleted(1, 0.3, 2, Arrays.asList(0.25, null, Double.NaN)));

            String body = scrape(metrics);
            assertThat(body).contains("larcps_job_steps_total{job=\"j\"} 2.0")
                    .contains("larcps_job_poisoned_contributions_total{job=\"j\"} 2.0")
                    .contains("larcps_job_learning_rate{job=\"j\"} 0.3")
                    .contains("larcps_job_step_seconds_count{job=\"j\"} 1")
                    .contains("larcps_tensor_trust_factor{job=\"j\",tensor=\"0\"} 0.25")
                    .contains("larcps_tensor_trust_factor{job=\"j\",tensor=\"2\"} NaN")
                    .doesNotContain("tensor=\"1\"");
        }
    }

    /** A node of these settings (over the defaults) and its metrics, if they are on. */
    private Optional<NodeMetrics> start(String settings) throws Exception {
        kit = ActorTestKit.create(ConfigFactory.parseString(settings).withFallback(ConfigFactory.load()));
        return NodeMetrics.start(kit.system(), "127.0.0.1");
    }

    private void publish(ParameterShard.StepTimed timed) {
        kit.system().eventStream().tell(new EventStream.Publish<>(timed));
    }

    private static ParameterShard.StepTimed probe() {
        return new ParameterShard.StepTimed("probe", 0, ParameterShard.ALL_WORKERS, 0, 1, 0, 1, 2);
    }

    /** Publishes a probe job's event until its meters show: the node's meter has subscribed. */
    private void awaitHeard(NodeMetrics metrics, Runnable publishProbe) throws Exception {
        String body = "";
        for (int attempt = 0; attempt < 100 && !body.contains("job=\"probe\""); attempt++) {
            publishProbe.run();
            Thread.sleep(50);
            body = scrape(metrics);
        }
        assertThat(body).contains("job=\"probe\"");
    }

    /**
     * Scrapes until every line shows. A scrape is not a snapshot: it may show a meter registered after
     * one it misses (the next scrape has both), so a test waits for all it asserts.
     */
    private String scrapeFor(NodeMetrics metrics, String... lines) throws Exception {
        String body = scrape(metrics);
        for (int attempt = 0; attempt < 100 && !containsAll(body, lines); attempt++) {
            Thread.sleep(50);
            body = scrape(metrics);
        }
        assertThat(body).contains(lines);
        return body;
    }

    private static boolean containsAll(String body, String... lines) {
        return Arrays.stream(lines).allMatch(body::contains);
    }

    private String scrape(NodeMetrics metrics) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + metrics.address().getPort() + "/metrics");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
