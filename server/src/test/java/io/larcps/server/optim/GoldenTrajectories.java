package io.larcps.server.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads golden LARC trajectories (format: shared/testdata/larc/README.md). Strict on purpose: a case
 * with a hyper-parameter this reader does not know cannot be run faithfully, so it is an error.
 */
final class GoldenTrajectories {
    static final String PATH_PROPERTY = "larcps.golden";
    private static final Set<String> KNOWN_HYPER = Set.of(
            "lr", "weight_decay", "trust_coefficient", "eps", "momentum", "dampening", "nesterov", "clip");

    record Hyper(double lr, double weightDecay, double trust, double eps, double momentum, double dampening,
            boolean nesterov, boolean clip) {
        OptimizerSettings settings() {
            return new OptimizerSettings(TrustRule.LARC, trust, eps, clip, weightDecay, momentum, dampening, nesterov);
        }
    }

    /** Expected state after one step: per tensor, params and (null when absent) momentum. */
    record Expected(List<float[]> params, List<float[]> momentum) {
    }

    record Case(String name, Hyper hyper, List<float[]> init, List<List<float[]>> grads, List<Expected> expect) {
    }

    private GoldenTrajectories() {
    }

    /** The file named by {@value #PATH_PROPERTY}, else the shared reference file. */
    static Path defaultPath() {
        String explicit = System.getProperty(PATH_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return SharedTestData.path("testdata/larc/larc-golden.json");
    }

    static List<Case> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("golden file not found: " + file.toAbsolutePath());
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode cases = root.path("cases");
        if (!cases.isArray() || cases.isEmpty()) {
            throw new IOException(file + " has no cases");
        }
        List<Case> result = new ArrayList<>();
        for (JsonNode node : cases) {
            result.add(readCase(node));
        }
        return result;
    }

    private static Case readCase(JsonNode node) throws IOException {
        String name = node.path("name").asText("(unnamed)");
        JsonNode h = node.path("hyper");
        for (Iterator<String> it = h.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KNOWN_HYPER.contains(key)) {
                throw new IOException("case " + name + ": hyper-parameter '" + key + "' is not supported by this runner");
            }
        }
        Hyper hyper = new Hyper(required(h, "lr", name).asDouble(), required(h, "weight_decay", name).asDouble(),
                required(h, "trust_coefficient", name).asDouble(), required(h, "eps", name).asDouble(),
                required(h, "momentum", name).asDouble(), required(h, "dampening", name).asDouble(),
                required(h, "nesterov", name).asBoolean(), required(h, "clip", name).asBoolean());
        List<float[]> init = tensors(required(node, "init", name));
        List<List<float[]>> grads = new ArrayList<>();
        for (JsonNode step : required(node, "grads", name)) {
            grads.add(tensors(step));
        }
        List<Expected> expect = new ArrayList<>();
        for (JsonNode step : required(node, "expect_f32", name)) {
            JsonNode momentum = step.path("momentum");
            expect.add(new Expected(tensors(required(step, "params", name)),
                    momentum.isNull() || momentum.isMissingNode() ? null : tensors(momentum)));
        }
        if (grads.size() != expect.size()) {
            throw new IOException("case " + name + ": " + grads.size() + " gradient steps but "
                    + expect.size() + " expected states");
        }
        return new Case(name, hyper, init, grads, expect);
    }

    private static JsonNode required(JsonNode node, String field, String caseName) throws IOException {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new IOException("case " + caseName + " lacks '" + field + "'");
        }
        return value;
    }

    private static List<float[]> tensors(JsonNode array) {
        List<float[]> result = new ArrayList<>();
        for (JsonNode tensor : array) {
            float[] values = new float[tensor.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) tensor.get(i).asDouble();
            }
            result.add(values);
        }
        return result;
    }
}
