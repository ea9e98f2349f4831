package io.larcps.deploy.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the plots need from a run's {@code report.json} (as {@code larcps train} writes it): test
 * accuracy per epoch, the tensors' names (and which of them LARC leaves alone by rule), and the trust
 * factor of every tensor at sampled steps.
 */
public record RunReport(List<Point> accuracyPerEpoch, List<String> tensors, Set<String> excludedFromLarc,
        List<TrustSample> trust) {
    /** Test accuracy after {@code epoch} epochs. */
    public record Point(double epoch, double accuracy) {
    }

    /** At {@code step}: the schedule's rate and each tensor's factor (NaN where the rule did not apply). */
    public record TrustSample(long step, double learningRate, double[] factors) {
    }

    public static final String FILE = "report.json";

    /** The report in {@code runDirectory}, or null when it is missing (a run directory deleted by hand). */
    public static RunReport read(Path runDirectory) throws IOException {
        Path file = runDirectory.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Point> epochs = new ArrayList<>();
        root.path("epochs").forEach(e -> epochs.add(new Point(e.path("epoch").asDouble(), e.path("accuracy").asDouble())));
        List<String> tensors = new ArrayList<>();
        root.path("tensors").forEach(t -> tensors.add(t.asText()));
        Set<String> excluded = new HashSet<>();
        root.path("excluded_from_larc").forEach(t -> excluded.add(t.asText()));
        List<TrustSample> trust = new ArrayList<>();
        root.path("trust_factors").forEach(sample -> {
            JsonNode factors = sample.path("factors");
            double[] values = new double[factors.size()];
            for (int i = 0; i < values.length; i++) {
                // Jackson writes NaN as the string "NaN"; asDouble reads it back.
                values[i] = factors.get(i).isNull() ? Double.NaN : factors.get(i).asDouble(Double.NaN);
            }
            trust.add(new TrustSample(sample.path("step").asLong(), sample.path("learningRate").asDouble(), values));
        });
        return new RunReport(epochs, tensors, excluded, trust);
    }
}
