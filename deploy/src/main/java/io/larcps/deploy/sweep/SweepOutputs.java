package io.larcps.deploy.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds {@code results.md} and the plots from {@code results.csv} and the runs' reports, every time:
 * they are views of the completed runs, never edited in place, so a resumed or extended sweep redraws
 * them whole.
 */
public final class SweepOutputs {
    public static final String MARKDOWN = "results.md";

    private SweepOutputs() {
    }

    /** @param planned this invocation's grid, to list what is not done yet */
    public static void rebuild(Path directory, SweepSettings settings, List<SweepRun> planned, String commandLine,
            double invocationSeconds, int ranNow) throws IOException {
        List<RunResult> rows = ResultsCsv.read(directory);
        ResultGrid grid = new ResultGrid(rows);
        Map<RunResult, RunReport> reports = new HashMap<>();
        for (RunResult row : rows) {
            RunReport report = RunReport.read(directory.resolve(row.runDirectory()));
            if (report == null) {
                System.out.println("sweep: " + directory.resolve(row.runDirectory()).resolve(RunReport.FILE)
                        + " is missing; its run is left out of the per-epoch and LARC plots");
            }
            reports.put(row, report);
        }
        List<String> plots = new ArrayList<>();
        if (!grid.isEmpty()) {
            AccuracyPlots.versusBatch(grid, directory.resolve(AccuracyPlots.VERSUS_BATCH));
            plots.add(AccuracyPlots.VERSUS_BATCH);
            if (AccuracyPlots.perEpoch(grid, reports, directory.resolve(AccuracyPlots.PER_EPOCH))) {
                plots.add(AccuracyPlots.PER_EPOCH);
            }
            if (LocalLearningRatePlot.write(grid, reports, directory.resolve(LocalLearningRatePlot.FILE))) {
                plots.add(LocalLearningRatePlot.FILE);
            }
        }
        List<SweepRun> done = rows.stream().map(RunResult::run).toList();
        List<SweepRun> missing = planned.stream().filter(run -> !done.contains(run)).toList();
        ResultsMarkdown.Context context = new ResultsMarkdown.Context(commandLine, MachineInfo.current(),
                invocationSeconds, ranNow, missing, plots);
        Files.writeString(directory.resolve(MARKDOWN), ResultsMarkdown.render(grid, settings, context),
                StandardCharsets.UTF_8);
    }
}
