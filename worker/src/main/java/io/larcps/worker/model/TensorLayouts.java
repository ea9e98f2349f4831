package io.larcps.worker.model;

import io.larcps.proto.control.DType;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@link TensorLayout} of a DL4J network, derived from its {@code paramTable()}: one tensor per
 * key, in the table's order (which is the order of the flat parameter vector), named as the key
 * ({@code <layer>_<param>}: {@code 0_W}, {@code res2a_branch2a_b}, {@code stem-batch1_gamma}), with the
 * view's shape and FLOAT32, and flagged {@code column_major} where DL4J stores the view in 'f' order
 * (dense weights), the order the worker sends and receives it in. BatchNorm's global mean and
 * variance ({@code mean}, and {@code var} or {@code log10stdev} as DL4J 1.0.0-M2.1 names them) are
 * RUNNING_STATISTIC; everything else is
 * TRAINABLE. Biases ({@code b}) and BatchNorm's {@code gamma}/{@code beta} are excluded from LARC and
 * weight decay, as MLPerf does; running statistics are flagged excluded too, though the shards never
 * pass them through the optimizer anyway.
 */
public final class TensorLayouts {
    private TensorLayouts() {
    }

    public static TensorLayout of(Dl4jNetwork network) {
        Map<String, INDArray> table = network.paramTable();
        TensorLayout.Builder layout = TensorLayout.newBuilder();
        network.layerParams().forEach((key, param) -> {
            INDArray view = table.get(key);
            if (view.dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException("parameter " + key + " is " + view.dataType() + ", expected FLOAT");
            }
            boolean running = isRunningStatistic(param);
            boolean excluded = running || isBias(param) || isBatchNormScaleOrShift(param);
            TensorSpec.Builder spec = TensorSpec.newBuilder()
                    .setName(key)
                    .setDtype(DType.FLOAT32)
                    .setKind(running ? TensorKind.RUNNING_STATISTIC : TensorKind.TRAINABLE)
                    .setExcludeFromLarc(excluded)
                    .setExcludeFromWeightDecay(excluded)
                    .setColumnMajor(FlatTensors.isColumnMajorMatrix(view));
            for (long dim : view.shape()) {
                spec.addShape(dim);
            }
            layout.addTensors(spec.build());
        });
        return layout.build();
    }

    /** BatchNorm's global mean or variance (either as {@code var} or as {@code log10stdev}). */
    public static boolean isRunningStatistic(Dl4jNetwork.LayerParam param) {
        return param.layer() instanceof BatchNormalization && switch (param.param()) {
            case BatchNormalizationParamInitializer.GLOBAL_MEAN, BatchNormalizationParamInitializer.GLOBAL_VAR,
                    BatchNormalizationParamInitializer.GLOBAL_LOG_STD -> true;
            default -> false;
        };
    }

    static boolean isBatchNormScaleOrShift(Dl4jNetwork.LayerParam param) {
        return param.layer() instanceof BatchNormalization
                && (param.param().equals(BatchNormalizationParamInitializer.GAMMA)
                        || param.param().equals(BatchNormalizationParamInitializer.BETA));
    }

    static boolean isBias(Dl4jNetwork.LayerParam param) {
        return !(param.layer() instanceof BatchNormalization)
                && (param.param().equals("b") || param.layer().initializer().isBiasParam(param.layer(), param.param()));
    }

    /** Total elements of a layout. */
    public static long elements(TensorLayout layout) {
        long total = 0;
        for (TensorSpec spec : layout.getTensorsList()) {
            total += elements(spec);
        }
        return total;
    }

    public static long elements(TensorSpec spec) {
        long count = 1;
        for (long dim : spec.getShapeList()) {
            count *= dim;
        }
        return count;
    }
}
