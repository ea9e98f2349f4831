package io.larcps.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code larcps train --metrics-port 0}: the address it prints serves the job's, shards' and workers' meters. */
class TrainMetricsTest {
    private static final Pattern ADDRESS = Pattern.compile("metrics at (http://127\\.0\\.0\\.1:\\d+/metrics)");

    private static final String[] EXPECTED = {
        "larcps_job_steps_total{job=\"larcps\"}",
        "larcps_job_learning_rate{job=\"larcps\"}",
        "larcps_tensor_trust_factor{job=\"larcps\",tensor=\"0\"}",
        "larcps_shard_gather_seconds_count{job=\"larcps\",shard=\"0\"}",
        "larcps_shard_gradient_bytes_total{job=\"larcps\",shard=\"0\"}",
        "larcps_worker_compute_seconds_count{job=\"larcps\",rank=\"0\"}",
        "larcps_worker_pull_seconds_count{job=\"larcps\",rank=\"0\"}",
    };

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private PrintStream originalOut;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
    }

    @Test
    void aTrainingRunServesItsMetricsWhileItTrains() throws Exception {
        // 960 steps: long enough to be scraped mid-run, a few seconds here.
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Larcps.run("train", "--model",
                "synthetic-mlp", "--synthetic-samples", "1024", "--global-batch", "64", "--epochs", "60",
                "--metrics-port", "0"));
        String body = "";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!run.isDone() && !complete(body) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            Matcher address = ADDRESS.matcher(out.toString(StandardCharsets.UTF_8));
            if (address.find()) {
                body = scrape(URI.create(address.group(1)), body);
            }
        }
        assertThat(run.get(5, TimeUnit.MINUTES)).isZero();
        assertThat(body).as("scraped while training").contains(EXPECTED);
    }

    /** A scrape is not a snapshot: it may miss a meter that the next one shows, so wait for all. */
    private static boolean complete(String body) {
        return Arrays.stream(EXPECTED).allMatch(body::contains);
    }

    /** The endpoint's answer, or {@code previous} if the run closed it in between. */
    private String scrape(URI uri, String previous) throws Exception {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            return previous;
        }
    }
}
