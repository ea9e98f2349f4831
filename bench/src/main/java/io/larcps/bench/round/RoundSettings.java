package io.larcps.bench.round;

import io.larcps.bench.Args;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a round run: cluster size and how many repetitions of each measurement.
 *
 * @param warmup rounds run and discarded before the measured ones (at least 1: a round is measured
 *     from the previous step's completion)
 */
public record RoundSettings(int workers, int shards, int warmup, int rounds, int rawWarmup, int rawReps,
        int optimizerWarmup, int optimizerReps) {

    static final List<String> OPTIONS = List.of("--workers", "--shards", "--warmup", "--rounds", "--raw-warmup",
            "--raw-reps", "--optimizer-warmup", "--optimizer-reps");

    public RoundSettings {
        if (workers < 1 || shards < 1 || warmup < 1 || rounds < 1 || rawWarmup < 0 || rawReps < 1
                || optimizerWarmup < 0 || optimizerReps < 1) {
            throw new IllegalArgumentException("bad round settings " + this + ": need workers, shards, warmup, rounds,"
                    + " raw-reps, optimizer-reps >= 1");
        }
    }

    public static RoundSettings full() {
        return new RoundSettings(2, 2, 100, 20, 3, 10, 3, 10);
    }

    public static RoundSettings quick() {
        return new RoundSettings(2, 2, 2, 3, 1, 3, 1, 3);
    }

    /** {@code base} with whatever {@code args} overrides. */
    public static RoundSettings from(Args args, RoundSettings base) {
        return new RoundSettings(args.integer("--workers", base.workers), args.integer("--shards", base.shards),
                args.integer("--warmup", base.warmup), args.integer("--rounds", base.rounds),
                args.integer("--raw-warmup", base.rawWarmup), args.integer("--raw-reps", base.rawReps),
                args.integer("--optimizer-warmup", base.optimizerWarmup),
                args.integer("--optimizer-reps", base.optimizerReps));
    }

    public List<String> toArgs() {
        List<String> args = new ArrayList<>();
        int[] values = {workers, shards, warmup, rounds, rawWarmup, rawReps, optimizerWarmup, optimizerReps};
        for (int i = 0; i < values.length; i++) {
            args.add(OPTIONS.get(i));
            args.add(String.valueOf(values[i]));
        }
        return args;
    }

    public long steps() {
        return warmup + rounds;
    }
}
