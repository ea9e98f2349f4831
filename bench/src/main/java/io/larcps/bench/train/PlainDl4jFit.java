package io.larcps.bench.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.larcps.bench.Args;
import io.larcps.proto.control.StepPlan;
import io.larcps.worker.data.EpochSampler;
import io.larcps.worker.data.FashionMnist;
import io.larcps.worker.data.LabelledImages;
import io.larcps.worker.model.Architecture;
import io.larcps.worker.model.Dl4jGradientSource;
import io.larcps.worker.model.Dl4jNetwork;
import io.larcps.worker.model.ModelBuilders;
import io.larcps.worker.model.TrainingImages;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Run (c) of the training benchmark: the network {@code larcps train --model mlp} trains
 * ({@link ModelBuilders#mlp(long)}, same seed, so the same initial weights) with a real updater
 * instead of NoOp, trained by DL4J's own {@code fit(DataSet)} on exactly the batches the parameter
 * server's workers get: each step's global batch is the {@link EpochSampler} slice the coordinator's
 * plan names, assembled per step the way the worker assembles it (pixels scaled to [0, 1] into a
 * preallocated array, one-hot labels). Writes a {@link TrainRun} as JSON.
 *
 * <p>Like {@code larcps train}, it evaluates on the test set after every epoch on a side thread
 * (a copy of the weights, the same evaluation code and batch of 500), so both runs do the same work
 * beside their training steps; {@code --final-evaluation-only} evaluates once, after the last epoch.
 */
public final class PlainDl4jFit {
    private PlainDl4jFit() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("--data", "--epochs", "--seed", "--global-batch", "--updater", "--lr",
                "--result"), List.of("--final-evaluation-only"));
        boolean evaluateEachEpoch = !args.flag("--final-evaluation-only");
        Path data = Path.of(args.string("--data", FashionMnist.DEFAULT_DIRECTORY.toString()));
        int epochs = args.integer("--epochs", 3);
        long seed = Long.parseLong(args.string("--seed", "42"));
        int batch = args.integer("--global-batch", 256);
        double lr = Double.parseDouble(args.string("--lr", "0.1"));
        IUpdater updater = switch (args.string("--updater", "nesterovs")) {
            case "nesterovs" -> new Nesterovs(lr, 0.9);
            case "sgd" -> new Sgd(lr);
            default -> throw new IllegalArgumentException("--updater must be nesterovs or sgd");
        };
        Path result = Path.of(args.string("--result", "plain.json"));

        LabelledImages train = FashionMnist.train(data);
        LabelledImages test = FashionMnist.test(data);
        MultiLayerNetwork net = withUpdater(ModelBuilders.mlp(seed), updater);
        TrainingImages images = TrainingImages.of(train);
        EpochSampler sampler = new EpochSampler(train.count(), seed);
        long stepsPerEpoch = train.count() / batch;
        int pixelsPerImage = images.pixelsPerImage();
        int classes = images.classes();
        INDArray features = Nd4j.create(DataType.FLOAT, new long[] {batch, pixelsPerImage}, 'c');
        INDArray labels = Nd4j.create(DataType.FLOAT, new long[] {batch, classes}, 'c');
        FloatBuffer featureBuffer = features.data().asNioFloat();
        FloatBuffer labelBuffer = labels.data().asNioFloat();
        float[] pixels = new float[batch * pixelsPerImage];
        float[] oneHot = new float[batch * classes];
        DataSet dataSet = new DataSet(features, labels);

        System.out.printf(Locale.ROOT, "plain DL4J fit: mlp, %s, %d epochs of %d steps, batch %d%n", updater, epochs,
                stepsPerEpoch, batch);
        List<Double> epochEnds = new ArrayList<>();
        Dl4jGradientSource evaluator = new Dl4jGradientSource(Architecture.MLP, train, batch, seed);
        ExecutorService evaluations = Executors.newSingleThreadExecutor();
        List<Future<Dl4jGradientSource.Evaluation>> perEpoch = new ArrayList<>();
        long start = System.nanoTime();
        for (long step = 0; step < epochs * stepsPerEpoch; step++) {
            StepPlan plan = StepPlan.newBuilder().setStep(step).setEpoch(step / stepsPerEpoch).addParticipantRanks(0)
                    .setGlobalBatch(batch).setSampleOffset((step % stepsPerEpoch) * batch).build();
            int[] samples = sampler.slice(plan, 0);
            Arrays.fill(oneHot, 0f);
            for (int i = 0; i < samples.length; i++) {
                images.copyScaled(samples[i], 0, pixels, i * pixelsPerImage);
                oneHot[i * classes + images.label(samples[i])] = 1f;
            }
            featureBuffer.put(Math.toIntExact(features.offset()), pixels);
            labelBuffer.put(Math.toIntExact(labels.offset()), oneHot);
            net.fit(dataSet);
            if ((step + 1) % stepsPerEpoch == 0) {
                double seconds = (System.nanoTime() - start) / 1e9;
                epochEnds.add(seconds);
                System.out.printf(Locale.ROOT, "epoch %d: ends at %.2f s, score %.4f%n", epochEnds.size(), seconds,
                        net.score());
                if (evaluateEachEpoch) {
                    INDArray snapshot = net.params().dup();
                    perEpoch.add(evaluations.submit(() -> evaluate(evaluator, snapshot, test)));
                }
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        for (Future<Dl4jGradientSource.Evaluation> evaluation : perEpoch) {
            System.out.printf(Locale.ROOT, "per-epoch test accuracy %.4f%n", evaluation.get().accuracy());
        }
        evaluations.shutdown();
        double accuracy = accuracy(net, TrainingImages.of(test));
        System.out.printf(Locale.ROOT, "test accuracy %.4f%n", accuracy);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(result.toFile(), new TrainRun("c",
                "plain DL4J fit(DataSet), " + updater.getClass().getSimpleName() + " lr " + lr, stepsPerEpoch, batch,
                epochEnds, wall, accuracy));
        System.exit(0);
    }

    /** The test accuracy and loss of a flat parameter vector of the mlp, as larcps train evaluates. */
    private static Dl4jGradientSource.Evaluation evaluate(Dl4jGradientSource evaluator, INDArray flatParams,
            LabelledImages test) {
        evaluator.network().params().assign(flatParams);
        return evaluator.evaluate(evaluator.currentWeights(), test, 500);
    }

    /** A fresh network with {@code template}'s configuration and weights, and {@code updater} on every layer. */
    static MultiLayerNetwork withUpdater(Dl4jNetwork template, IUpdater updater) {
        MultiLayerNetwork original = (MultiLayerNetwork) template.model();
        MultiLayerConfiguration conf = original.getLayerWiseConfigurations().clone();
        for (NeuralNetConfiguration layer : conf.getConfs()) {
            if (layer.getLayer() instanceof BaseLayer base) {
                base.setIUpdater(updater.clone());
                base.setBiasUpdater(null);
            }
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.setParams(original.params().dup());
        return net;
    }

    private static double accuracy(MultiLayerNetwork net, TrainingImages test) {
        int batch = 1000;
        int perImage = test.pixelsPerImage();
        int classes = test.classes();
        int correct = 0;
        for (int start = 0; start < test.count(); start += batch) {
            int n = Math.min(batch, test.count() - start);
            float[] pixels = new float[n * perImage];
            for (int i = 0; i < n; i++) {
                test.copyScaled(start + i, 0, pixels, i * perImage);
            }
            INDArray output = net.output(Nd4j.create(pixels, new long[] {n, perImage}, 'c'));
            int[] predicted = output.argMax(1).toIntVector();
            for (int i = 0; i < n; i++) {
                if (predicted[i] == test.label(start + i)) {
                    correct++;
                }
            }
        }
        return correct / (double) test.count();
    }
}
