package io.larcps.deploy.sweep;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code results.md}: the study's table for this sweep, with what it takes to repeat it (the command,
 * the machine, the settings). Accuracies in %, differences in accuracy points.
 */
final class ResultsMarkdown {
    /** Where the numbers came from: the command of this invocation and its wall time. */
    record Context(String commandLine, MachineInfo machine, double invocationSeconds, int ranNow,
            List<SweepRun> missing, List<String> plots) {
    }

    private ResultsMarkdown() {
    }

    static String render(ResultGrid grid, SweepSettings settings, Context context) {
        StringBuilder md = new StringBuilder("# larcps sweep: test accuracy vs global batch, momentum SGD vs LARC\n\n");
        md.append("Command: `").append(context.commandLine()).append("`\n\n");
        md.append("Machine: ").append(context.machine().describe()).append("\n\n");
        md.append(settingsLine(settings)).append("\n\n");
        int runs = grid.optimizers().stream()
                .mapToInt(o -> grid.batches().stream().mapToInt(b -> grid.runs(o, b).size()).sum()).sum();
        double runSeconds = grid.optimizers().stream().flatMap(o -> grid.batches().stream().flatMap(b -> grid.runs(o, b)
                .stream())).mapToDouble(RunResult::wallSeconds).sum();
        md.append(String.format(Locale.ROOT, "Runs: %d completed, %.1f min of training in all (sum of the runs' wall "
                + "times); this invocation ran %d in %.1f min.", runs, runSeconds / 60, context.ranNow(),
                context.invocationSeconds() / 60));
        md.append(context.missing().isEmpty() ? " Every run of the grid is done.\n\n"
                : " Not done (failed or not run yet): " + context.missing().stream().map(SweepRun::describe)
                        .collect(Collectors.joining("; ")) + ".\n\n");
        if (grid.isEmpty()) {
            return md.append("No run has completed yet.\n").toString();
        }
        int reference = grid.batches().get(0);
        cellTable(md, grid, reference);
        studyTable(md, grid, reference);
        againstSgd(md, grid);
        for (String plot : context.plots()) {
            md.append("![").append(plot.replace(".png", "")).append("](").append(plot).append(")\n\n");
        }
        return md.toString();
    }

    private static String settingsLine(SweepSettings s) {
        return String.format(Locale.ROOT, "Settings: model `%s`%s, %d epochs per run at every batch (so larger batches "
                + "take fewer steps), linear warmup over %s epochs, peak lr = %s x batch / %d (linear scaling), %s "
                + "decay to 0, momentum %s, weight decay %s folded into the gradient (apex), LARC %s mode; %d worker%s, "
                + "%d shard%s.", s.model(), s.model().startsWith("synthetic") ? " (" + s.syntheticSamples()
                + " synthetic samples)" : " on `" + s.data() + "`", s.epochs(), plain(s.warmupEpochs()),
                plain(s.baseLr()), s.referenceBatch(), s.decay(), plain(s.momentum()), plain(s.weightDecay()),
                s.larcMode(), s.workers(), s.workers() == 1 ? "" : "s", s.shards(), s.shards() == 1 ? "" : "s");
    }

    private static void cellTable(StringBuilder md, ResultGrid grid, int reference) {
        md.append("## Every cell\n\nTest accuracy in %: mean \u00b1 std over seeds (sample standard deviation, n - 1), "
                + "then [min..max]. \u0394: the mean's difference from batch ").append(reference)
                .append(" of the same optimizer, in accuracy points. Wall time and samples/s: means over seeds.\n\n");
        md.append("| optimizer | batch | peak lr | steps | seeds | final test accuracy | best test accuracy | \u0394 vs ")
                .append(reference).append(" | final test loss | wall s | samples/s |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (OptimizerChoice optimizer : grid.optimizers()) {
            Stats base = grid.stats(optimizer, reference, RunResult::finalAccuracy);
            for (int batch : grid.batches()) {
                List<RunResult> runs = grid.runs(optimizer, batch);
                if (runs.isEmpty()) {
                    continue;
                }
                Stats accuracy = grid.stats(optimizer, batch, RunResult::finalAccuracy);
                RunResult first = runs.get(0);
                String peakLr = plain(new BigDecimal(first.peakLr()).round(new MathContext(4)).doubleValue());
                md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %d | %s | %s | %s | %s | %.1f | %.0f |%n",
                        optimizer.label(), batch, peakLr, first.steps(), runs.size(), percent(accuracy),
                        percent(grid.stats(optimizer, batch, RunResult::bestAccuracy)),
                        batch == reference ? "\u2014" : points(accuracy, base),
                        number(grid.stats(optimizer, batch, RunResult::finalLoss).mean(), "%.4f"),
                        grid.stats(optimizer, batch, RunResult::wallSeconds).mean(),
                        grid.stats(optimizer, batch, RunResult::samplesPerSecond).mean()));
            }
        }
        md.append('\n');
    }

    /** Rows optimizers, columns batches, as the study reports it. */
    private static void studyTable(StringBuilder md, ResultGrid grid, int reference) {
        md.append("## As in the study\n\nMean final test accuracy (%) and, in brackets, the difference from batch ")
                .append(reference).append(" of the same optimizer (points).\n\n| optimizer |");
        grid.batches().forEach(b -> md.append(' ').append(b).append(" |"));
        md.append("\n| --- |").append(" ---: |".repeat(grid.batches().size())).append('\n');
        for (OptimizerChoice optimizer : grid.optimizers()) {
            Stats base = grid.stats(optimizer, reference, RunResult::finalAccuracy);
            md.append("| ").append(optimizer.label()).append(" |");
            for (int batch : grid.batches()) {
                Stats cell = grid.stats(optimizer, batch, RunResult::finalAccuracy);
                md.append(' ').append(cell.n() == 0 ? "\u2014" : number(100 * cell.mean(), "%.2f")
                        + (batch == reference ? "" : " (" + points(cell, base) + ")")).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    /** The study's other comparison: does the trust rule beat plain momentum SGD at the same batch? */
    private static void againstSgd(StringBuilder md, ResultGrid grid) {
        OptimizerChoice sgd = new OptimizerChoice("sgd", 0);
        if (!grid.optimizers().contains(sgd) || grid.optimizers().size() < 2) {
            return;
        }
        md.append("## Against momentum SGD at the same batch\n\nMean final test accuracy minus sgd's (points).\n\n"
                + "| optimizer |");
        grid.batches().forEach(b -> md.append(' ').append(b).append(" |"));
        md.append("\n| --- |").append(" ---: |".repeat(grid.batches().size())).append('\n');
        for (OptimizerChoice optimizer : grid.optimizers()) {
            if (optimizer.equals(sgd)) {
                continue;
            }
            md.append("| ").append(optimizer.label()).append(" |");
            for (int batch : grid.batches()) {
                md.append(' ').append(points(grid.stats(optimizer, batch, RunResult::finalAccuracy),
                        grid.stats(sgd, batch, RunResult::finalAccuracy))).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private static String percent(Stats s) {
        if (s.n() == 0) {
            return "\u2014";
        }
        if (s.n() == 1) {
            return number(100 * s.mean(), "%.2f") + " (1 run)";
        }
        return String.format(Locale.ROOT, "%.2f \u00b1 %.2f [%.2f..%.2f]", 100 * s.mean(), 100 * s.std(), 100 * s.min(),
                100 * s.max());
    }

    private static String points(Stats cell, Stats base) {
        return cell.n() == 0 || base.n() == 0 ? "\u2014" : String.format(Locale.ROOT, "%+.2f", 100 * (cell.mean() - base.mean()));
    }

    private static String number(double value, String format) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "\u2014";
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
