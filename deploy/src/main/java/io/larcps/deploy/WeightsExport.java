package io.larcps.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import io.larcps.proto.npy.NpyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes trained weights as one {@code .npy} per tensor plus {@code index.json} (name, file, shape,
 * kind), so numpy and PyTorch users can load them without Java.
 */
final class WeightsExport {
    private WeightsExport() {
    }

    static void write(Path directory, TensorLayout layout, float[][] weights) throws IOException {
        Files.createDirectories(directory);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode index = json.createObjectNode();
        ArrayNode tensors = index.putArray("tensors");
        for (int i = 0; i < layout.getTensorsCount(); i++) {
            TensorSpec spec = layout.getTensors(i);
            String file = String.format("%03d-%s.npy", i, spec.getName().replaceAll("[^A-Za-z0-9._-]", "_"));
            long[] shape = spec.getShapeList().stream().mapToLong(Long::longValue).toArray();
            NpyFiles.write(directory.resolve(file), shape, spec.getColumnMajor(), weights[i]);
            ObjectNode entry = tensors.addObject();
            entry.put("name", spec.getName());
            entry.put("file", file);
            ArrayNode dims = entry.putArray("shape");
            spec.getShapeList().forEach(dims::add);
            entry.put("kind", spec.getKind().name().toLowerCase(java.util.Locale.ROOT));
        }
        json.writeValue(directory.resolve("index.json").toFile(), index);
    }
}
