package io.larcps.deploy;

import java.io.PrintStream;

/**
 * Training progress for a person watching: on a terminal one line per epoch redrawn in place with a
 * bar; otherwise (a log file, CI) a plain line when each epoch ends, so logs stay readable.
 */
final class ProgressPrinter {
    private static final int BAR = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final long stepsPerEpoch;
    private final long totalSteps;
    private final int globalBatch;
    private final long started = System.nanoTime();
    private long epochStarted = System.nanoTime();

    ProgressPrinter(PrintStream out, boolean terminal, long stepsPerEpoch, long totalSteps, int globalBatch) {
        this.out = out;
        this.terminal = terminal;
        this.stepsPerEpoch = stepsPerEpoch;
        this.totalSteps = totalSteps;
        this.globalBatch = globalBatch;
    }

    /** After step {@code step} (0-based) completed. */
    void stepCompleted(long step, double learningRate) {
        long done = step + 1;
        long epoch = step / stepsPerEpoch;
        long inEpoch = done - epoch * stepsPerEpoch;
        long epochs = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch;
        double seconds = (System.nanoTime() - epochStarted) / 1e9;
        double samplesPerSecond = inEpoch * globalBatch / Math.max(seconds, 1e-9);
        boolean epochEnd = inEpoch == stepsPerEpoch || done == totalSteps;
        if (terminal) {
            int filled = (int) (BAR * inEpoch / stepsPerEpoch);
            out.printf("\repoch %d/%d [%s%s] %d/%d steps, lr %.4g, %.0f samples/s", epoch + 1, epochs,
                    "=".repeat(filled), " ".repeat(BAR - filled), inEpoch, stepsPerEpoch, learningRate, samplesPerSecond);
            if (epochEnd) {
                out.println();
            }
            out.flush();
        } else if (epochEnd) {
            out.printf("epoch %d/%d: %d steps in %.1f s, lr %.4g, %.0f samples/s%n", epoch + 1, epochs, inEpoch,
                    seconds, learningRate, samplesPerSecond);
        }
        if (epochEnd) {
            epochStarted = System.nanoTime();
        }
    }

    double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}
