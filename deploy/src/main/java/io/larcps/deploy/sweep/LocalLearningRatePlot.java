package io.larcps.deploy.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * What LARC did to a few layers: the effective local learning rate (schedule rate x trust factor) over
 * the steps of the largest-batch run of each LARC/LARS setting (its first seed), beside the schedule's
 * rate. Tensors LARC leaves alone by rule (bias, BatchNorm, running statistics) are not drawn.
 */
final class LocalLearningRatePlot {
    static final String FILE = "larc-local-lr.png";
    private static final int LAYERS = 3;

    private LocalLearningRatePlot() {
    }

    /** @return false when no LARC/LARS run with trust factors is there (nothing written) */
    static boolean write(ResultGrid grid, Map<RunResult, RunReport> reports, Path file) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        for (OptimizerChoice optimizer : grid.optimizers()) {
            if (!optimizer.hasTrustRule()) {
                continue;
            }
            Optional<RunResult> largest = grid.batches().stream().sorted(Comparator.reverseOrder())
                    .flatMap(batch -> grid.runs(optimizer, batch).stream())
                    .filter(run -> reports.get(run) != null && !reports.get(run).trust().isEmpty()).findFirst();
            if (largest.isPresent()) {
                chart(largest.get(), reports.get(largest.get())).ifPresent(charts::add);
            }
        }
        if (charts.isEmpty()) {
            return false;
        }
        PlotStyle.save(charts, 2, file);
        return true;
    }

    private static Optional<XYChart> chart(RunResult run, RunReport report) {
        List<Integer> layers = layers(report);
        if (layers.isEmpty()) {
            return Optional.empty();
        }
        XYChart chart = new XYChartBuilder().width(800).height(550)
                .title(run.run().optimizer().label() + ", batch " + run.run().batch() + ", seed " + run.run().seed()
                        + ": local lr = lr x trust factor")
                .xAxisTitle("step").yAxisTitle("learning rate (log scale)").build();
        PlotStyle.apply(chart.getStyler());
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        chart.getStyler().setMarkerSize(0);
        XYSeries schedule = addSeries(chart, "schedule lr (what sgd runs at)", report, sample -> sample.learningRate());
        if (schedule != null) {
            schedule.setLineStyle(SeriesLines.DASH_DASH);
        }
        for (int tensor : layers) {
            addSeries(chart, report.tensors().get(tensor), report,
                    sample -> sample.learningRate() * sample.factors()[tensor]);
        }
        return Optional.of(chart);
    }

    private static XYSeries addSeries(XYChart chart, String name, RunReport report,
            ToDoubleFunction<RunReport.TrustSample> rate) {
        List<Long> steps = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (RunReport.TrustSample sample : report.trust()) {
            double value = rate.applyAsDouble(sample);
            // A log axis cannot show 0 (the schedule may decay to it at the last step) or NaN.
            if (value > 0 && Double.isFinite(value)) {
                steps.add(sample.step());
                rates.add(value);
            }
        }
        if (steps.isEmpty()) {
            return null;
        }
        XYSeries series = chart.addSeries(name, steps, rates);
        series.setMarker(SeriesMarkers.NONE);
        return series;
    }

    /** The first, a middle and the last tensor LARC applies to (not excluded by rule, a finite factor). */
    private static List<Integer> layers(RunReport report) {
        List<Integer> subject = IntStream.range(0, report.tensors().size())
                .filter(t -> !report.excludedFromLarc().contains(report.tensors().get(t)))
                .filter(t -> report.trust().stream()
                        .anyMatch(s -> t < s.factors().length && Double.isFinite(s.factors()[t])))
                .boxed().toList();
        if (subject.size() <= LAYERS) {
            return subject;
        }
        return List.copyOf(new LinkedHashSet<>(List.of(subject.get(0), subject.get(subject.size() / 2),
                subject.get(subject.size() - 1))));
    }
}
