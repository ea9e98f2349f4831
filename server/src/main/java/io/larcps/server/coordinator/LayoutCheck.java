package io.larcps.server.coordinator;

import io.larcps.proto.control.DType;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Checks a worker's reported tensor layout: on its own, and against the job's. */
final class LayoutCheck {
    private LayoutCheck() {
    }

    /** Why the layout cannot be trained here, or empty. */
    static Optional<String> problem(TensorLayout layout) {
        if (layout.getTensorsCount() == 0) {
            return Optional.of("the layout has no tensors");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < layout.getTensorsCount(); i++) {
            TensorSpec tensor = layout.getTensors(i);
            String where = "tensor " + i + " '" + tensor.getName() + "'";
            if (!names.add(tensor.getName())) {
                return Optional.of(where + ": the name appears twice");
            }
            if (tensor.getDtype() != DType.FLOAT32) {
                return Optional.of(where + ": dtype " + tensor.getDtype() + " is not supported (FLOAT32 only)");
            }
            if (tensor.getKind() == TensorKind.TENSOR_KIND_UNSPECIFIED || tensor.getKind() == TensorKind.UNRECOGNIZED) {
                return Optional.of(where + ": kind is not set");
            }
            if (tensor.getShapeCount() == 0 || tensor.getShapeList().stream().anyMatch(d -> d <= 0)) {
                return Optional.of(where + ": shape " + tensor.getShapeList() + " must have positive dimensions");
            }
            long elements;
            try {
                elements = ShardPlacement.elements(tensor);
            } catch (ArithmeticException e) {
                elements = Long.MAX_VALUE;
            }
            if (elements > Integer.MAX_VALUE - 8) {
                return Optional.of(where + ": " + tensor.getShapeList() + " is over 2^31 elements");
            }
        }
        return Optional.empty();
    }

    /** The first difference between a worker's layout and the job's, or empty when they match. */
    static Optional<String> firstDifference(TensorLayout job, TensorLayout worker) {
        int common = Math.min(job.getTensorsCount(), worker.getTensorsCount());
        for (int i = 0; i < common; i++) {
            TensorSpec expected = job.getTensors(i);
            TensorSpec got = worker.getTensors(i);
            if (!expected.equals(got)) {
                return Optional.of("tensor " + i + " is " + describe(got) + " but the job's is " + describe(expected));
            }
        }
        if (job.getTensorsCount() != worker.getTensorsCount()) {
            return Optional.of("the layout has " + worker.getTensorsCount() + " tensors, the job's has "
                    + job.getTensorsCount());
        }
        return Optional.empty();
    }

    private static String describe(TensorSpec tensor) {
        return "'" + tensor.getName() + "' " + tensor.getShapeList() + " " + tensor.getDtype() + " " + tensor.getKind()
                + (tensor.getExcludeFromLarc() ? " no-larc" : "") + (tensor.getExcludeFromWeightDecay() ? " no-decay" : "")
                + (tensor.getColumnMajor() ? " column-major" : "");
    }
}
