package io.larcps.deploy.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The completed runs arranged as the study's grid: optimizer settings (sgd first, then LARC and LARS
 * by trust coefficient) by global batch (ascending), each cell holding its seeds' runs.
 */
public final class ResultGrid {
    static final Comparator<OptimizerChoice> ORDER = Comparator
            .comparingInt((OptimizerChoice o) -> List.of("sgd", "larc", "lars").indexOf(o.rule()))
            .thenComparingDouble(OptimizerChoice::trust);

    private final Map<OptimizerChoice, Map<Integer, List<RunResult>>> cells = new TreeMap<>(ORDER);
    private final TreeSet<Integer> batches = new TreeSet<>();

    public ResultGrid(List<RunResult> rows) {
        for (RunResult row : rows) {
            cells.computeIfAbsent(row.run().optimizer(), o -> new TreeMap<>())
                    .computeIfAbsent(row.run().batch(), b -> new ArrayList<>()).add(row);
            batches.add(row.run().batch());
        }
        cells.values().forEach(byBatch -> byBatch.values()
                .forEach(runs -> runs.sort(Comparator.comparingLong(r -> r.run().seed()))));
    }

    public List<OptimizerChoice> optimizers() {
        return List.copyOf(cells.keySet());
    }

    public List<Integer> batches() {
        return List.copyOf(batches);
    }

    /** The runs of one cell, by seed; empty when the cell has none yet. */
    public List<RunResult> runs(OptimizerChoice optimizer, int batch) {
        return cells.getOrDefault(optimizer, Map.of()).getOrDefault(batch, List.of());
    }

    public Stats stats(OptimizerChoice optimizer, int batch, ToDoubleFunction<RunResult> metric) {
        return Stats.of(runs(optimizer, batch).stream().map(metric::applyAsDouble).toList());
    }

    public boolean isEmpty() {
        return cells.isEmpty();
    }
}
