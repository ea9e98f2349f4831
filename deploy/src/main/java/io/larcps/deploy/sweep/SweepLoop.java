package io.larcps.deploy.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs a sweep's plan in order: a run already in {@code results.csv} is skipped, a completed run is
 * added to it at once (so an interruption loses at most the run in progress), a failed run is reported
 * and left out (so the next invocation retries it), and the outputs are redrawn after every run.
 */
public final class SweepLoop {
    /** Trains one run; throws when it fails. */
    public interface Runner {
        RunResult run(SweepRun run) throws Exception;
    }

    /** Redraws results.md and the plots; told how many runs this invocation has completed so far. */
    public interface Outputs {
        void rebuild(int ranNow) throws IOException;
    }

    /** What one invocation did with its plan. */
    public record Tally(int planned, int ran, int skipped, int failed) {
    }

    private final Path directory;
    private final PrintStream out;

    public SweepLoop(Path directory, PrintStream out) {
        this.directory = directory;
        this.out = out;
    }

    public Tally run(List<SweepRun> plan, Runner runner, Outputs outputs) throws IOException {
        List<RunResult> rows = new ArrayList<>(ResultsCsv.read(directory));
        int ran = 0;
        int failed = 0;
        int skipped = 0;
        double runSeconds = 0;
        for (int i = 0; i < plan.size(); i++) {
            SweepRun run = plan.get(i);
            String tag = "[" + (i + 1) + "/" + plan.size() + "] " + run.describe();
            if (done(rows, run)) {
                skipped++;
                out.println(tag + ": in results.csv already, skipped");
                continue;
            }
            out.println(tag);
            long started = System.nanoTime();
            RunResult result;
            try {
                result = runner.run(run);
            } catch (Exception e) {
                failed++;
                out.println(tag + " FAILED: " + e.getMessage());
                continue;
            }
            rows.add(result);
            ResultsCsv.write(directory, rows);
            ran++;
            runSeconds += (System.nanoTime() - started) / 1e9;
            long left = plan.stream().skip(i + 1L).filter(next -> !done(rows, next)).count();
            out.printf(Locale.ROOT, "%s: done, final test accuracy %.4f; %d run%s left, about %.0f min%n", tag,
                    result.finalAccuracy(), left, left == 1 ? "" : "s", left * runSeconds / ran / 60);
            outputs.rebuild(ran);
        }
        outputs.rebuild(ran);
        return new Tally(plan.size(), ran, skipped, failed);
    }

    private static boolean done(List<RunResult> rows, SweepRun run) {
        return rows.stream().anyMatch(row -> row.run().equals(run));
    }
}
