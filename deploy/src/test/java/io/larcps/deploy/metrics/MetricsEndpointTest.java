package io.larcps.deploy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void servesTheRegistryInPrometheusTextFormatAtMetrics() throws Exception {
        Counter.builder("larcps.test.things").tag("job", "j").register(registry).increment(3);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, registry)) {
            assertThat(endpoint.address().getPort()).isPositive();
            HttpResponse<String> response = get(endpoint, "/metrics", "GET");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
            assertThat(response.body()).contains("# TYPE larcps_test_things_total counter")
                    .contains("larcps_test_things_total{job=\"j\"} 3.0");
        }
    }

    @Test
    void otherPathsAndMethodsGetClearRefusals() throws Exception {
        try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, registry)) {
            HttpResponse<String> elsewhere = get(endpoint, "/", "GET");
            assertThat(elsewhere.statusCode()).isEqualTo(404);
            assertThat(elsewhere.body()).contains("the metrics are at /metrics");

            HttpResponse<String> post = get(endpoint, "/metrics", "POST");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");

            HttpResponse<String> head = get(endpoint, "/metrics", "HEAD");
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void aPortInUseIsAnErrorThatNamesIt() throws Exception {
        try (MetricsEndpoint first = MetricsEndpoint.start("127.0.0.1", 0, registry)) {
            int taken = first.address().getPort();
            assertThatThrownBy(() -> MetricsEndpoint.start("127.0.0.1", taken, registry))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot serve metrics on 127.0.0.1:" + taken);
        }
    }

    private HttpResponse<String> get(MetricsEndpoint endpoint, String path, String method) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + endpoint.address().getPort() + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
