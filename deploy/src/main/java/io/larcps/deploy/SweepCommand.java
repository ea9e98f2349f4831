package io.larcps.deploy;

import io.larcps.deploy.cli.ClusterOptions;
import io.larcps.deploy.cli.ModelOptions;
import io.larcps.deploy.sweep.OptimizerChoice;
import io.larcps.deploy.sweep.SweepLoop;
import io.larcps.deploy.sweep.SweepOutputs;
import io.larcps.deploy.sweep.SweepPreset;
import io.larcps.deploy.sweep.SweepRun;
import io.larcps.deploy.sweep.SweepSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs the large-batch study: test accuracy vs global batch, momentum SGD vs LARC.",
                "",
                "Every cell of global batch x optimizer setting is trained --seeds times, each run a real 'larcps "
                        + "train' job (an embedded cluster with --workers workers and --shards shards). Every run gets "
                        + "the same number of epochs, so larger batches take fewer steps. The learning rate follows the "
                        + "linear scaling rule (peak = --base-lr x batch / --reference-batch) after a linear warmup of "
                        + "--warmup-epochs, then decays. LARC is apex's: clip mode, weight decay folded in.",
                "",
                "Default grid: mlp on Fashion-MNIST, batches 256,1024,2048,4096 x sgd,larc:0.001,larc:0.02 x 2 "
                        + "seeds = 24 runs of 40 epochs (warmup 2): about 35 min on 2 quiet cores, about 60 min on a "
                        + "busy machine. Why: one epoch of the mlp took 3.3 s at batch 256, 1.8 s at 1024, 1.25 s at "
                        + "2048 and 1.1 s at 4096 here on a quiet machine (fewer, larger steps run faster), 7.5 s for "
                        + "the four, and up to 13.6 s (4.3-5 s at 256) with benchmarks running beside it. 6 runs per "
                        + "batch x 40 epochs x 7.5-13.6 s is 30-54 min, plus about 5 s per run for data, cluster "
                        + "start and warm-up: within 90 min with a third to spare. The cnn (200+ s per epoch) would "
                        + "not fit even one epoch per run.",
                "",
                "--quick: the same 4 batches x 3 optimizers, 1 seed, 8 epochs (warmup 1): 4 min here, a smoke run "
                        + "of the whole pipeline that already shows the study's trend. See docs/sweep.md.",
                "",
                "Writes to --out: results.csv (a row per completed run), results.md (mean +- std and min..max per "
                        + "cell, differences from the smallest batch, the command and the machine), "
                        + "accuracy-vs-batch.png, accuracy-per-epoch.png, larc-local-lr.png (lr x trust factor of a "
                        + "few layers over the largest-batch LARC runs) and runs/<cell>-seed<k>/report.json. "
                        + "Resumable: a run already in results.csv is not run again; a failed run is reported and "
                        + "run again next time; results.md and the plots are rebuilt every time.",
                ""},
        footer = {"", "--optimizers takes a comma-separated list of: sgd (momentum SGD), larc[:TRUST] (apex LARC "
                + "with that trust coefficient, 0.02 when left out) or lars[:TRUST] (MLPerf LARS), e.g. "
                + "'sgd,larc:0.001,larc:0.02'. Seeds are --seed, --seed + 1, ... (--seeds of them)."})
final class SweepCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Directory for results.csv, results.md, the plots and runs/ (created; reused to resume).")
    Path out;

    @Option(names = "--quick",
            description = "The smoke-test grid (about 4 min on 2 cores); grid flags still override it.")
    boolean quick;

    @Option(names = "--batches", split = ",", paramLabel = "B",
            description = "Global batch sizes; default 256,1024,2048,4096 (--quick too).")
    List<Integer> batches;

    @Option(names = "--optimizers", paramLabel = "LIST",
            description = "Optimizer settings (grammar below); default sgd,larc:0.001,larc:0.02.")
    String optimizers;

    @Option(names = "--seeds", paramLabel = "N",
            description = "Runs per cell, with seeds --seed, --seed + 1, ...; default 2 (--quick: 1).")
    Integer seeds;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Epochs per run, the same at every batch; default 40 (--quick: 8).")
    Integer epochs;

    @Option(names = "--warmup-epochs", paramLabel = "E",
            description = "Epochs of linear warmup to the peak rate (fractions allowed); default 2 (--quick: 1).")
    Double warmupEpochs;

    @Option(names = "--base-lr", paramLabel = "LR", defaultValue = "0.1",
            description = "Learning rate at --reference-batch; default ${DEFAULT-VALUE} (Goyal et al.'s 0.1 per 256; "
                    + "the study's recommended 0.4 at batch 1024 is this rate scaled).")
    double baseLr;

    @Option(names = "--reference-batch", paramLabel = "B", defaultValue = "256",
            description = "The batch --base-lr is for; default ${DEFAULT-VALUE}.")
    int referenceBatch;

    @Option(names = "--decay", paramLabel = "NAME", defaultValue = "cosine",
            description = "After warmup: cosine, polynomial (power 2) or constant, to 0; default ${DEFAULT-VALUE}.")
    String decay;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
            description = "SGD momentum; default ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "5e-4",
            description = "L2 weight decay, folded into the gradient (by LARC before its scaling, as apex does); "
                    + "default ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--larc-mode", paramLabel = "MODE", defaultValue = "clip",
            description = "clip (apex's default) or scale; default ${DEFAULT-VALUE}.")
    String larcMode;

    @Option(names = "--workers", paramLabel = "W", defaultValue = "1",
            description = "Workers per run; every batch must divide by it; default ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--shards", paramLabel = "S", defaultValue = "1",
            description = "Parameter shards per run; default ${DEFAULT-VALUE}.")
    int shards;

    @Mixin
    ModelOptions model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        SweepPreset preset = quick ? SweepPreset.QUICK : SweepPreset.FULL;
        SweepSettings settings = new SweepSettings(model.model(), model.data().toAbsolutePath().normalize().toString(),
                model.syntheticSamples(), model.imageSize(), orElse(epochs, preset.epochs()),
                orElse(warmupEpochs, preset.warmupEpochs()), baseLr, referenceBatch, decay.toLowerCase(Locale.ROOT),
                momentum, weightDecay, larcMode.toLowerCase(Locale.ROOT), workers, shards);
        List<SweepRun> plan = plan(preset);
        // Every run's job is checked before the first starts: a bad cell must not surface an hour in.
        long trainingSize = ModelCatalog.open(model).trainingSize();
        plan.forEach(run -> settings.spec(run, trainingSize));
        Files.createDirectories(out);
        SweepSettings earlier = SweepSettings.read(out);
        if (earlier != null && !settings.differences(earlier).isEmpty()) {
            throw new IllegalArgumentException(out + " holds a sweep with other settings (" + String.join("; ",
                    settings.differences(earlier)) + "); use another --out or the same flags");
        }
        settings.write(out);
        SweepRunner runner = new SweepRunner(settings, model, out, new EmbeddedTraining(ClusterOptions.loopback()));
        String commandLine = commandLine();
        SweepLoop.Tally tally = new SweepLoop(out, System.out).run(plan, runner::run, ranNow -> SweepOutputs.rebuild(
                out, settings, plan, commandLine, (System.nanoTime() - started) / 1e9, ranNow));
        System.out.printf(Locale.ROOT, "sweep: %d runs in the grid, %d ran now, %d from earlier, %d failed; wrote %s%n",
                tally.planned(), tally.ran(), tally.skipped(), tally.failed(), out.resolve(SweepOutputs.MARKDOWN));
        if (tally.failed() > 0) {
            System.out.println("sweep: the failed runs are not in results.csv; run the same command again to retry them");
            return 1;
        }
        return 0;
    }

    /** Seed outermost, so an interrupted sweep has whole grids of the first seeds rather than some whole cells. */
    private List<SweepRun> plan(SweepPreset preset) {
        List<Integer> batchList = batches != null ? batches : preset.batches();
        if (new LinkedHashSet<>(batchList).size() != batchList.size()) {
            throw new IllegalArgumentException("--batches names a batch twice: " + batchList);
        }
        List<OptimizerChoice> choices = OptimizerChoice.parseList(optimizers != null ? optimizers : preset.optimizers());
        int seedCount = orElse(seeds, preset.seeds());
        if (seedCount <= 0) {
            throw new IllegalArgumentException("--seeds must be > 0, got " + seedCount);
        }
        List<SweepRun> plan = new ArrayList<>();
        for (int k = 0; k < seedCount; k++) {
            for (int batch : batchList) {
                for (OptimizerChoice choice : choices) {
                    plan.add(new SweepRun(batch, choice, model.seed() + k));
                }
            }
        }
        return plan;
    }

    private String commandLine() {
        List<String> args = new ArrayList<>(List.of("larcps", "sweep"));
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int from = original.indexOf("sweep") + 1;
        for (String arg : original.subList(from, original.size())) {
            args.add(arg.matches("[A-Za-z0-9_./:,=@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return String.join(" ", args);
    }

    private static <T> T orElse(T flag, T preset) {
        return flag != null ? flag : preset;
    }
}
