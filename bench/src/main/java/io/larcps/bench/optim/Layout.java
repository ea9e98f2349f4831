package io.larcps.bench.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The parameter tensors of a model, by name and element count, as listed in a layout file such as
 * {@code shared/testdata/layouts/resnet50.json}.
 */
public record Layout(List<TensorSpec> tensors) {

    /** One parameter tensor; the benchmarks only need its flat size. */
    public record TensorSpec(String name, int size) {
    }

    public Layout {
        tensors = List.copyOf(tensors);
    }

    public long elements() {
        return tensors.stream().mapToLong(TensorSpec::size).sum();
    }

    /**
     * The ResNet-50 layout: from {@code -Dlarcps.layout=PATH} when given, else from the path the build
     * wrote into {@code bench.properties}.
     */
    public static Layout resnet50() {
        return load(Path.of(defaultPath()));
    }

    static String defaultPath() {
        String override = System.getProperty("larcps.layout");
        if (override != null && !override.isBlank()) {
            return override;
        }
        return buildProperties().getProperty("layout");
    }

    /** The properties Maven filtered at build time (javacpp.cachedir, layout). */
    public static Properties buildProperties() {
        Properties properties = new Properties();
        try (InputStream in = Layout.class.getResourceAsStream("/io/larcps/bench/bench.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/larcps/bench/bench.properties is not on the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** Reads a layout file and checks it against its own {@code count} and {@code elements} fields. */
    public static Layout load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read layout " + file, e);
        }
        List<TensorSpec> tensors = new ArrayList<>();
        for (JsonNode tensor : root.path("tensors")) {
            long size = 1;
            for (JsonNode dimension : tensor.path("shape")) {
                size = Math.multiplyExact(size, dimension.asLong());
            }
            tensors.add(new TensorSpec(tensor.path("name").asText(), Math.toIntExact(size)));
        }
        Layout layout = new Layout(tensors);
        // A truncated or hand-edited file would silently shrink the benchmark; refuse it instead.
        if (tensors.size() != root.path("count").asInt(-1) || layout.elements() != root.path("elements").asLong(-1)) {
            throw new IllegalArgumentException(file + " lists " + tensors.size() + " tensors of " + layout.elements()
                    + " elements, but says count " + root.path("count") + ", elements " + root.path("elements"));
        }
        return layout;
    }
}
