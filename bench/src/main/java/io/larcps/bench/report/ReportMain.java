package io.larcps.bench.report;

import io.larcps.bench.optim.Layout;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * {@code ReportMain RESULTS.json [--layout PATH] [--fail-on-miss]}: prints the optimizer table from a
 * JMH JSON result. Exits 1 on a missed target only with {@code --fail-on-miss}; 2 on bad input.
 */
public final class ReportMain {

    private ReportMain() {
    }

    public static void main(String[] args) {
        Path results = null;
        Path layout = null;
        boolean failOnMiss = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--layout" -> layout = Path.of(args[++i]);
                case "--fail-on-miss" -> failOnMiss = true;
                default -> results = Path.of(args[i]);
            }
        }
        if (results == null) {
            System.err.println("usage: ReportMain RESULTS.json [--layout PATH] [--fail-on-miss]");
            System.exit(2);
        }
        OptimizerReport report;
        try {
            long elements = (layout == null ? Layout.resnet50() : Layout.load(layout)).elements();
            report = new OptimizerReport(JmhResult.read(results), elements);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("cannot report: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.print(report.render());
        if (failOnMiss && !report.targetsMet()) {
            System.exit(1);
        }
    }
}
