package io.larcps.deploy.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** The study's two accuracy plots: final accuracy against batch, and accuracy over the epochs per cell. */
final class AccuracyPlots {
    static final String VERSUS_BATCH = "accuracy-vs-batch.png";
    static final String PER_EPOCH = "accuracy-per-epoch.png";

    private AccuracyPlots() {
    }

    /** Final test accuracy (mean over seeds, error bars one std) against global batch, a line per optimizer. */
    static void versusBatch(ResultGrid grid, Path file) throws IOException {
        int seeds = grid.optimizers().stream().flatMap(o -> grid.batches().stream().map(b -> grid.runs(o, b).size()))
                .max(Integer::compare).orElse(0);
        CategoryChart chart = new CategoryChartBuilder().width(900).height(600)
                .title("Final test accuracy vs global batch (" + (seeds > 1 ? "mean \u00b1 std over " + seeds
                        + " seeds" : "1 seed") + ")")
                .xAxisTitle("global batch (linear LR scaling, same epochs)").yAxisTitle("test accuracy (%)").build();
        PlotStyle.apply(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        List<String> categories = grid.batches().stream().map(String::valueOf).toList();
        for (OptimizerChoice optimizer : grid.optimizers()) {
            List<Double> means = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            for (int batch : grid.batches()) {
                Stats stats = grid.stats(optimizer, batch, RunResult::finalAccuracy);
                // A cell without runs yet is a gap, not a zero.
                means.add(stats.n() == 0 ? null : 100 * stats.mean());
                errors.add(stats.n() > 1 ? 100 * stats.std() : 0.0);
            }
            chart.addSeries(optimizer.label(), categories, means, errors);
        }
        PlotStyle.save(List.of(chart), 1, file);
    }

    /**
     * Test accuracy per epoch, one chart per optimizer with a line per batch (mean over seeds).
     *
     * @return false when no run has a report to draw from (nothing written)
     */
    static boolean perEpoch(ResultGrid grid, Map<RunResult, RunReport> reports, Path file) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        double low = 100;
        double high = 0;
        for (OptimizerChoice optimizer : grid.optimizers()) {
            XYChart chart = new XYChartBuilder().width(600).height(450)
                    .title(optimizer.label() + ": test accuracy per epoch").xAxisTitle("epoch")
                    .yAxisTitle("test accuracy (%)").build();
            PlotStyle.apply(chart.getStyler());
            chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
            chart.getStyler().setYAxisDecimalPattern("0.0");
            for (int batch : grid.batches()) {
                List<List<RunReport.Point>> curves = grid.runs(optimizer, batch).stream().map(reports::get)
                        .filter(r -> r != null && !r.accuracyPerEpoch().isEmpty()).map(RunReport::accuracyPerEpoch)
                        .toList();
                if (curves.isEmpty()) {
                    continue;
                }
                List<Double> epochs = new ArrayList<>();
                List<Double> accuracy = new ArrayList<>();
                int points = curves.stream().mapToInt(List::size).min().orElse(0);
                for (int i = 0; i < points; i++) {
                    int at = i;
                    epochs.add(curves.get(0).get(i).epoch());
                    double mean = 100 * curves.stream().mapToDouble(c -> c.get(at).accuracy()).average().orElseThrow();
                    accuracy.add(mean);
                    low = Math.min(low, mean);
                    high = Math.max(high, mean);
                }
                chart.addSeries("batch " + batch + (curves.size() > 1 ? " (" + curves.size() + " seeds)" : ""),
                        epochs, accuracy);
            }
            if (!chart.getSeriesCollection().isEmpty()) {
                charts.add(chart);
            }
        }
        if (charts.isEmpty()) {
            return false;
        }
        // One scale for all, so the optimizers compare at a glance.
        for (XYChart chart : charts) {
            if (high >= low) {
                chart.getStyler().setYAxisMin(Math.max(0, Math.floor(low - 1)));
                chart.getStyler().setYAxisMax(Math.min(100, Math.ceil(high + 1)));
            }
        }
        PlotStyle.save(charts, 3, file);
        return true;
    }
}
