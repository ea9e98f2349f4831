package io.larcps.bench.round;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.larcps.bench.optim.Layout;
import io.larcps.proto.control.DType;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A layout file ({@code shared/testdata/layouts/resnet50.json}) as the worker-side {@link TensorLayout}
 * the coordinator checks: every tensor FLOAT32 and TRAINABLE, none excluded from LARC or weight decay
 * (as apex, and as the optimizer benchmark, run it).
 */
public final class ModelLayout {
    private ModelLayout() {
    }

    /** The file named by {@code -Dlarcps.layout}, else the path the build wrote into bench.properties. */
    public static Path defaultPath() {
        String override = System.getProperty("larcps.layout");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return Path.of(Layout.buildProperties().getProperty("layout"));
    }

    /** Reads a layout file and checks it against its own {@code count} and {@code elements} fields. */
    public static TensorLayout load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read layout " + file, e);
        }
        return parse(root, file.toString());
    }

    static TensorLayout parse(JsonNode root, String origin) {
        TensorLayout.Builder layout = TensorLayout.newBuilder();
        for (JsonNode tensor : root.path("tensors")) {
            TensorSpec.Builder spec = TensorSpec.newBuilder().setName(tensor.path("name").asText())
                    .setDtype(DType.FLOAT32).setKind(TensorKind.TRAINABLE);
            for (JsonNode dimension : tensor.path("shape")) {
                spec.addShape(dimension.asLong());
            }
            layout.addTensors(spec);
        }
        TensorLayout built = layout.build();
        long elements = elements(built);
        if (built.getTensorsCount() != root.path("count").asInt(-1) || elements != root.path("elements").asLong(-1)) {
            throw new IllegalArgumentException(origin + " lists " + built.getTensorsCount() + " tensors of " + elements
                    + " elements, but says count " + root.path("count") + ", elements " + root.path("elements"));
        }
        return built;
    }

    /** Element count of each tensor, in layout order. */
    public static int[] sizes(TensorLayout layout) {
        int[] sizes = new int[layout.getTensorsCount()];
        for (int t = 0; t < sizes.length; t++) {
            long size = 1;
            for (long dimension : layout.getTensors(t).getShapeList()) {
                size = Math.multiplyExact(size, dimension);
            }
            sizes[t] = Math.toIntExact(size);
        }
        return sizes;
    }

    public static long elements(TensorLayout layout) {
        long total = 0;
        for (int size : sizes(layout)) {
            total += size;
        }
        return total;
    }

    /** Bytes of one FLOAT32 copy of the model. */
    public static long bytes(TensorLayout layout) {
        return elements(layout) * Float.BYTES;
    }
}
