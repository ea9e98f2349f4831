package io.larcps.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark's primary result from JMH's JSON output ({@code -rf json}).
 *
 * @param method the benchmark method's simple name, e.g. {@code larcps}
 * @param params its {@code @Param} values, e.g. {@code kernel=vector}
 * @param time the mean time per operation, with JMH's 99.9% confidence interval
 * @param unit JMH's score unit, e.g. {@code ms/op}
 * @param iterations every measured iteration's score, all forks together
 * @param secondary each secondary metric's per-iteration values, in the order of {@code iterations}
 */
public record JmhResult(String method, Map<String, String> params, Estimate time, String unit,
        List<Double> iterations, Map<String, List<Double>> secondary) {

    public static List<JmhResult> read(Path json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(json));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JMH results " + json, e);
        }
        List<JmhResult> results = new ArrayList<>();
        for (JsonNode benchmark : root) {
            String name = benchmark.path("benchmark").asText();
            Map<String, String> params = new LinkedHashMap<>();
            benchmark.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode metric = benchmark.path("primaryMetric");
            Map<String, List<Double>> secondary = new LinkedHashMap<>();
            benchmark.path("secondaryMetrics").properties()
                    .forEach(e -> secondary.put(e.getKey(), raw(e.getValue())));
            JsonNode confidence = metric.path("scoreConfidence");
            Estimate time = new Estimate(metric.path("score").asDouble(),
                    number(confidence.path(0)), number(confidence.path(1)));
            results.add(new JmhResult(name.substring(name.lastIndexOf('.') + 1), params, time,
                    metric.path("scoreUnit").asText(), raw(metric), secondary));
        }
        return results;
    }

    /** A metric's rawData, forks one after the other. */
    private static List<Double> raw(JsonNode metric) {
        List<Double> values = new ArrayList<>();
        metric.path("rawData").forEach(fork -> fork.forEach(value -> values.add(value.asDouble())));
        return values;
    }

    /** JMH writes "NaN" as a string when one iteration gives no interval. */
    private static double number(JsonNode node) {
        return node.isNumber() ? node.asDouble() : Double.NaN;
    }

    public double fastestIteration() {
        return iterations.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public double slowestIteration() {
        return iterations.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
