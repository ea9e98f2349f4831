package io.larcps.worker.model;

import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import io.larcps.worker.GradientSource;
import io.larcps.worker.data.EpochSampler;
import io.larcps.worker.data.LabelledImages;
import io.larcps.worker.transport.TensorValues;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradients of a DL4J network on a worker's slice of each step, as the parameter servers want them.
 *
 * <p>Per step: the step's weights are copied into the network's flat parameter vector (one bulk copy
 * per tensor, into buffers allocated once), the participant's samples ({@link EpochSampler#slice}) are
 * assembled into a batch scaled to [0, 1], and {@code computeGradientAndScore()} runs forward and
 * backward in training mode. Nothing ever calls {@code fit()} or an updater.
 *
 * <p>What goes back, per tensor of {@link #layout()}:
 * <ul>
 *   <li>TRAINABLE: the gradient of the loss summed over the batch. In DL4J 1.0.0-M2.1 the gradient
 *       {@code computeGradientAndScore()} leaves is already that sum (the loss functions return
 *       per-example gradients, and only the updater divides by the mini-batch size), while
 *       {@code score()} is the batch mean; it is passed on as is.</li>
 *   <li>RUNNING_STATISTIC (BatchNorm's global mean and variance): the value the network would hold
 *       after this batch, times the batch size. M2.1 does not update them during the forward pass: the
 *       backward pass leaves in their gradient slots the step {@code g = (1 - decay) * (old - batch)}
 *       (for {@code log10stdev}: {@code old - new} in log space) which DL4J's updater applies as
 *       {@code param -= g}, unscaled by the batch size. So the updated value is {@code param - g}.</li>
 * </ul>
 * The shards divide each sum by the step's sample count: a mean gradient, and for running statistics
 * the sample-weighted average of the workers' updated values.
 *
 * <p>Trainable tensors go back as views of the network's own gradient memory ({@link TensorValues#direct}),
 * which a push sends without copying; running statistics, computed here, go in direct buffers kept
 * from step to step.
 *
 * <p>Not thread-safe: one source per worker, its steps sequential.
 */
public final class Dl4jGradientSource implements GradientSource {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final Dl4jNetwork network;
    private final TrainingImages train;
    private final int batchSize;
    private final long seed;
    private final EpochSampler sampler;
    private final TensorLayout layout;
    private final FlatTensors tensors;
    private final boolean[] runningStatistic;
    private final INDArray params;
    private final FloatBuffer paramBuffer;
    private final float[][] initial;
    private BatchArrays trainingBatch;
    private float[][] zeros;
    private final ByteBuffer[] statisticSums;
    private final float[][] statisticScratch;
    private boolean gradientLayoutChecked;
    private BatchArrays evaluationBatch;

    /** Loss and accuracy of weights on a test set. */
    public record Evaluation(double loss, double accuracy, int samples) {
    }

    /**
     * The model {@code architecture} for {@code train}'s image shape and classes, weights initialised
     * from {@code seed}; the same seed draws the epoch permutations, so every worker of a job must use
     * the job's seed.
     */
    public Dl4jGradientSource(Architecture architecture, LabelledImages train, int batchSize, long seed) {
        this(architecture, TrainingImages.of(train), batchSize, seed);
    }

    public Dl4jGradientSource(Architecture architecture, TrainingImages train, int batchSize, long seed) {
        this(ModelBuilders.build(architecture, train.channels(), train.height(), train.width(), train.classes(), seed),
                train, batchSize, seed);
    }

    /** A network built elsewhere; its input must take {@code train}'s images and its output its classes. */
    public Dl4jGradientSource(Dl4jNetwork network, TrainingImages train, int batchSize, long seed) {
        Nd4jRuntime.configure();
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (network.sampleSize() != train.pixelsPerImage()) {
            throw new IllegalArgumentException("the network takes " + network.sampleSize() + " values per sample, the images have "
                    + train.pixelsPerImage() + " (" + train.channels() + "x" + train.height() + "x" + train.width() + ")");
        }
        if (network.classes() != train.classes()) {
            throw new IllegalArgumentException("the network has " + network.classes() + " outputs, the data "
                    + train.classes() + " classes");
        }
        if (!ModelBuilders.trainingExtras(network).isEmpty()) {
            throw new IllegalArgumentException("the network would update or regularise weights itself: "
                    + ModelBuilders.trainingExtras(network));
        }
        this.network = network;
        this.train = train;
        this.batchSize = batchSize;
        this.seed = seed;
        this.sampler = new EpochSampler(train.count(), seed);
        this.layout = TensorLayouts.of(network);
        this.params = network.params();
        this.tensors = new FlatTensors(network.paramTable(), params);
        this.runningStatistic = new boolean[tensors.count()];
        this.statisticScratch = new float[tensors.count()][];
        this.statisticSums = new ByteBuffer[tensors.count()];
        for (int t = 0; t < tensors.count(); t++) {
            runningStatistic[t] = layout.getTensors(t).getKind() == TensorKind.RUNNING_STATISTIC;
        }
        this.paramBuffer = tensors.buffer(params);
        this.initial = tensors.readAll(paramBuffer);
    }

    /** One worker per GPU: ND4J's affinity manager binds this thread; on CPU there is one device and nothing to do. */
    @Override
    public void bindDevice(int device) {
        AffinityManager affinity = Nd4j.getAffinityManager();
        int devices = affinity.getNumberOfDevices();
        if (devices > 1) {
            affinity.unsafeSetDevice(device % devices);
        }
    }

    @Override
    public TensorLayout layout() {
        return layout;
    }

    /** Copies of the seeded initial weights, per tensor in the layout's order (running statistics: mean 0, variance 1). */
    @Override
    public float[][] initialWeights() {
        float[][] copy = new float[initial.length][];
        for (int t = 0; t < initial.length; t++) {
            copy[t] = initial[t].clone();
        }
        return copy;
    }

    @Override
    public Contribution compute(float[][] weights, StepPlan plan, int participantIndex) {
        int[] samples = sampler.slice(plan, participantIndex);
        int n = samples.length;
        if (n == 0) {
            return new Contribution(zeros(), 0);
        }
        setWeights(weights);
        trainingBatch = BatchArrays.reuse(trainingBatch, network, n);
        trainingBatch.fill(train, samples, augmentationSeed(plan));
        network.computeGradientAndScore(trainingBatch.features, trainingBatch.labels);

        INDArray gradients = network.gradientsView();
        if (!gradientLayoutChecked) {
            tensors.checkSameLayout(network.gradientTable(), gradients, "gradient");
            gradientLayoutChecked = true;
        }
        Nd4j.getAffinityManager().ensureLocation(gradients, AffinityManager.Location.HOST);
        Nd4j.getAffinityManager().ensureLocation(params, AffinityManager.Location.HOST);
        ByteBuffer gradientBytes = tensors.bytes(gradients);
        ByteBuffer[] sums = new ByteBuffer[tensors.count()];
        for (int t = 0; t < sums.length; t++) {
            sums[t] = runningStatistic[t] ? statisticSum(t, gradientBytes, n) : tensors.segment(t, gradientBytes);
        }
        // The worker is done with the previous step's sums before it asks for the next ones
        // (GradientSource#compute), so the network's gradient memory and the statistics' buffers serve
        // every step: nothing is copied or allocated per step.
        // The gradient array owns the memory the views point into: chunks still queued keep it alive.
        return new Contribution(TensorValues.direct(sums, gradients), n);
    }

    /** A running statistic's updated value times {@code n}, from its gradient slot and its parameter. */
    private ByteBuffer statisticSum(int t, ByteBuffer gradientBytes, int n) {
        int length = tensors.length(t);
        if (statisticSums[t] == null) {
            statisticSums[t] = ByteBuffer.allocateDirect(length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            statisticScratch[t] = new float[length];
        }
        float[] value = statisticScratch[t];
        tensors.read(t, paramBuffer, value);
        FloatBuffer step = tensors.segment(t, gradientBytes).asFloatBuffer();
        for (int i = 0; i < length; i++) {
            value[i] = (value[i] - step.get(i)) * n;
        }
        statisticSums[t].asFloatBuffer().put(value);
        return statisticSums[t];
    }

    private float[][] zeros() {
        if (zeros == null) {
            zeros = new float[tensors.count()][];
            for (int t = 0; t < zeros.length; t++) {
                zeros[t] = new float[tensors.length(t)];
            }
        }
        return zeros;
    }

    /**
     * The seed for this step's augmentation: a function of the job's seed and the step only, so a
     * sample is augmented the same whichever participant computes it.
     */
    static long augmentationSeed(long seed, long step) {
        long z = seed * GOLDEN + step;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private long augmentationSeed(StepPlan plan) {
        return augmentationSeed(seed, plan.getStep());
    }

    /** The network's current weights, one array per tensor of the layout, in its order (a copy). */
    public float[][] currentWeights() {
        Nd4j.getAffinityManager().ensureLocation(params, AffinityManager.Location.HOST);
        return tensors.readAll(paramBuffer);
    }

    /** Copies {@code weights} (one array per tensor of the layout, in its order) into the network. */
    public void setWeights(float[][] weights) {
        tensors.write(weights, paramBuffer, params);
    }

    /**
     * Mean cross-entropy and accuracy of {@code weights} on {@code test}, in inference mode (BatchNorm
     * normalises with its running statistics), {@code batch} images at a time.
     */
    public Evaluation evaluate(float[][] weights, LabelledImages test, int batch) {
        return evaluate(weights, TrainingImages.of(test), batch);
    }

    /** As {@link #evaluate(float[][], LabelledImages, int)}; augmenting data is read with seed 0. */
    public Evaluation evaluate(float[][] weights, TrainingImages test, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        if (test.pixelsPerImage() != network.sampleSize() || test.classes() != network.classes()) {
            throw new IllegalArgumentException("test images of " + test.pixelsPerImage() + " values in " + test.classes()
                    + " classes do not fit " + network);
        }
        setWeights(weights);
        double lossSum = 0;
        int correct = 0;
        int classes = network.classes();
        float[] probabilities = new float[0];
        for (int start = 0; start < test.count(); start += batch) {
            int n = Math.min(batch, test.count() - start);
            int[] indices = new int[n];
            for (int i = 0; i < n; i++) {
                indices[i] = start + i;
            }
            evaluationBatch = BatchArrays.reuse(evaluationBatch, network, n);
            evaluationBatch.fill(test, indices, 0);
            INDArray output = network.output(evaluationBatch.features);
            if (probabilities.length < n * classes) {
                probabilities = new float[n * classes];
            }
            INDArray rowMajor = output.ordering() == 'c' && output.dataType() == DataType.FLOAT ? output
                    : output.castTo(DataType.FLOAT).dup('c');
            FloatBuffer values = rowMajor.data().asNioFloat();
            values.get(Math.toIntExact(rowMajor.offset()), probabilities, 0, n * classes);
            for (int i = 0; i < n; i++) {
                int label = test.label(indices[i]);
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (probabilities[i * classes + c] > probabilities[i * classes + best]) {
                        best = c;
                    }
                }
                if (best == label) {
                    correct++;
                }
                lossSum -= Math.log(Math.max(probabilities[i * classes + label], 1e-30f));
            }
        }
        int count = test.count();
        return new Evaluation(count == 0 ? Double.NaN : lossSum / count, count == 0 ? Double.NaN : correct / (double) count,
                count);
    }

    public Dl4jNetwork network() {
        return network;
    }

    /** The per-worker batch size this source was made for; the step plan decides each slice. */
    public int batchSize() {
        return batchSize;
    }

    public TrainingImages trainingImages() {
        return train;
    }

    /** Features and one-hot labels for one batch size, allocated once and refilled. */
    private static final class BatchArrays {
        final int size;
        final INDArray features;
        final INDArray labels;
        final FloatBuffer featureBuffer;
        final FloatBuffer labelBuffer;
        final float[] pixels;
        final float[] oneHot;

        private BatchArrays(Dl4jNetwork network, int size) {
            this.size = size;
            this.features = Nd4j.create(DataType.FLOAT, network.batchShape(size), 'c');
            this.labels = Nd4j.create(DataType.FLOAT, new long[] {size, network.classes()}, 'c');
            this.featureBuffer = features.data().asNioFloat();
            this.labelBuffer = labels.data().asNioFloat();
            this.pixels = new float[size * network.sampleSize()];
            this.oneHot = new float[size * network.classes()];
        }

        static BatchArrays reuse(BatchArrays current, Dl4jNetwork network, int size) {
            return current != null && current.size == size ? current : new BatchArrays(network, size);
        }

        void fill(TrainingImages images, int[] indices, long augmentationSeed) {
            int perImage = images.pixelsPerImage();
            int classes = images.classes();
            Arrays.fill(oneHot, 0f);
            for (int i = 0; i < indices.length; i++) {
                images.copyScaled(indices[i], augmentationSeed, pixels, i * perImage);
                oneHot[i * classes + images.label(indices[i])] = 1f;
            }
            featureBuffer.put(Math.toIntExact(features.offset()), pixels);
            labelBuffer.put(Math.toIntExact(labels.offset()), oneHot);
            Nd4j.getAffinityManager().tagLocation(features, AffinityManager.Location.HOST);
            Nd4j.getAffinityManager().tagLocation(labels, AffinityManager.Location.HOST);
        }
    }
}
