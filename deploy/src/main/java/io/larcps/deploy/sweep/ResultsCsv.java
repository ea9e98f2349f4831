package io.larcps.deploy.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code results.csv}: one row per completed run. Rows are only ever written for runs that finished,
 * and the file is replaced whole (write aside, then rename), so a crash never leaves half a row that a
 * resumed sweep would take for a finished run.
 */
public final class ResultsCsv {
    public static final String FILE = "results.csv";
    static final List<String> COLUMNS = List.of("batch", "optimizer", "trust", "seed", "model", "workers", "shards",
            "peak_lr", "epochs", "steps", "final_test_accuracy", "best_test_accuracy", "final_test_loss",
            "wall_seconds", "samples_per_second", "refused_gradients", "run_dir");

    private ResultsCsv() {
    }

    /** The rows of {@code DIR/results.csv}; none if it does not exist yet. */
    public static List<RunResult> read(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        List<RunResult> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(String.join(",", COLUMNS))) {
            throw new IllegalArgumentException(file + " is not a larcps sweep's results (its header differs)");
        }
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                rows.add(parse(line, file));
            }
        }
        return rows;
    }

    public static void write(Path directory, List<RunResult> rows) throws IOException {
        StringBuilder text = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (RunResult row : rows) {
            SweepRun run = row.run();
            text.append(String.join(",", String.valueOf(run.batch()), run.optimizer().rule(),
                    run.optimizer().trustText(), String.valueOf(run.seed()), row.model(), String.valueOf(row.workers()),
                    String.valueOf(row.shards()), number("%.6g", row.peakLr()), String.valueOf(row.epochs()),
                    String.valueOf(row.steps()), number("%.4f", row.finalAccuracy()), number("%.4f", row.bestAccuracy()),
                    number("%.5f", row.finalLoss()), number("%.2f", row.wallSeconds()),
                    number("%.1f", row.samplesPerSecond()), String.valueOf(row.refusedGradients()), row.runDirectory()))
                    .append('\n');
        }
        Path target = directory.resolve(FILE);
        Path aside = directory.resolve(FILE + ".tmp");
        Files.writeString(aside, text, StandardCharsets.UTF_8);
        Files.move(aside, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** NaN (a loss the model does not have) is an empty field, as pandas and spreadsheets read it. */
    private static String number(String format, double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "";
    }

    private static RunResult parse(String line, Path file) {
        String[] f = line.split(",", -1);
        if (f.length != COLUMNS.size()) {
            throw new IllegalArgumentException(file + ": row '" + line + "' has " + f.length + " fields, not "
                    + COLUMNS.size());
        }
        try {
            OptimizerChoice optimizer = OptimizerChoice.parse(f[2].isEmpty() ? f[1] : f[1] + ":" + f[2]);
            SweepRun run = new SweepRun(Integer.parseInt(f[0]), optimizer, Long.parseLong(f[3]));
            return new RunResult(run, f[4], Integer.parseInt(f[5]), Integer.parseInt(f[6]), real(f[7]),
                    Integer.parseInt(f[8]), Long.parseLong(f[9]), real(f[10]), real(f[11]), real(f[12]), real(f[13]),
                    real(f[14]), Integer.parseInt(f[15]), f[16]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": row '" + line + "' has a field that is not a number", e);
        }
    }

    private static double real(String field) {
        return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
    }
}
