package io.larcps.worker.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitRelu;
import org.deeplearning4j.zoo.model.ResNet50;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The models a worker trains, as initialised DL4J networks in float32 with a seeded weight
 * initialisation. None carries an updater ({@link NoOp} everywhere), L1/L2, weight decay, weight noise,
 * dropout or gradient normalisation: learning rate, momentum and weight decay live on the parameter
 * servers alone, and the worker never calls {@code fit()}.
 */
public final class ModelBuilders {
    /** Fashion-MNIST: 28x28 grey images, 10 classes. */
    public static final int MNIST_SIDE = 28;
    public static final int MNIST_CLASSES = 10;
    /** Smallest input ResNet-50 takes once its final pool is global: five stride-2 stages leave 1x1 at 32 px. */
    public static final int RESNET50_MIN_SIZE = 32;

    private ModelBuilders() {
    }

    /** The model {@code architecture} for images of {@code channels x height x width} and {@code classes} classes. */
    public static Dl4jNetwork build(Architecture architecture, int channels, int height, int width, int classes, long seed) {
        return switch (architecture) {
            case MLP -> mlp(channels * height * width, 256, classes, seed);
            case CNN -> cnn(channels, height, width, classes, seed);
            case RESNET50 -> {
                if (channels != 3 || height != width) {
                    throw new IllegalArgumentException("resnet50 takes square RGB images, got " + channels + "x" + height
                            + "x" + width);
                }
                yield resnet50(classes, height, seed);
            }
        };
    }

    /** 784-256-10 for Fashion-MNIST. */
    public static Dl4jNetwork mlp(long seed) {
        return mlp(MNIST_SIDE * MNIST_SIDE, 256, MNIST_CLASSES, seed);
    }

    /** {@code inputs}-{@code hidden}-{@code classes}: ReLU hidden layer, softmax output, multi-class cross-entropy. */
    public static Dl4jNetwork mlp(int inputs, int hidden, int classes, long seed) {
        MultiLayerConfiguration conf = base(seed)
                .list()
                .layer(new DenseLayer.Builder().nIn(inputs).nOut(hidden).activation(Activation.RELU)
                        .weightInit(WeightInit.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(hidden).nOut(classes)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.feedForward(inputs))
                .build();
        return Dl4jNetwork.of(init(conf), new long[] {inputs}, classes);
    }

    /** The small CNN for Fashion-MNIST. */
    public static Dl4jNetwork cnn(long seed) {
        return cnn(1, MNIST_SIDE, MNIST_SIDE, MNIST_CLASSES, seed);
    }

    /**
     * conv 5x5x20 + BatchNorm + ReLU + max-pool 2x2, conv 5x5x50 + BatchNorm + ReLU + max-pool 2x2, dense
     * 256 ReLU, softmax output. The convolutions have no bias (BatchNorm's beta takes its place), and
     * BatchNorm keeps its running variance as {@code var} (not {@code log10stdev}), so the shards'
     * sample-weighted average of it is the average variance.
     */
    public static Dl4jNetwork cnn(int channels, int height, int width, int classes, long seed) {
        if (height < 16 || width < 16) {
            throw new IllegalArgumentException("the cnn needs images of at least 16x16, got " + height + "x" + width);
        }
        MultiLayerConfiguration conf = base(seed)
                .convolutionMode(ConvolutionMode.Truncate)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nIn(channels).nOut(20).stride(1, 1).hasBias(false)
                        .activation(Activation.IDENTITY).weightInit(WeightInit.RELU).build())
                .layer(batchNorm())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(50).stride(1, 1).hasBias(false)
                        .activation(Activation.IDENTITY).weightInit(WeightInit.RELU).build())
                .layer(batchNorm())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(256).activation(Activation.RELU).weightInit(WeightInit.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(classes).activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.convolutional(height, width, channels))
                .build();
        return Dl4jNetwork.of(init(conf), new long[] {channels, height, width}, classes);
    }

    private static BatchNormalization batchNorm() {
        return new BatchNormalization.Builder().useLogStd(false).activation(Activation.IDENTITY).build();
    }

    /**
     * DL4J's zoo ResNet-50 (no pretrained weights: nothing is downloaded) for square RGB images of
     * {@code inputSize} px and {@code classes} classes. The zoo's final vertex named {@code avgpool} is
     * really a 3x3 max-pool, which leaves a spatial map the output layer cannot take below about 70 px;
     * it is replaced by a global average pool on {@code res5c_branch}, as in the paper, so any size from
     * {@value #RESNET50_MIN_SIZE} px works. The zoo's L1 1e-7 / L2 5e-5 and RmsProp are removed, and
     * the weights start from He-normal instead of the zoo's truncated normal with standard deviation
     * 0.5. Its BatchNorm layers keep the zoo's defaults (decay 0.9, running {@code mean} and
     * {@code log10stdev}).
     */
    public static Dl4jNetwork resnet50(int classes, int inputSize, long seed) {
        Nd4jRuntime.requireBackend();
        if (inputSize < RESNET50_MIN_SIZE) {
            throw new IllegalArgumentException("resnet50 needs images of at least " + RESNET50_MIN_SIZE + " px, got " + inputSize);
        }
        ResNet50 zoo = ResNet50.builder()
                .numClasses(classes)
                .seed(seed)
                .inputShape(new int[] {3, inputSize, inputSize})
                .updater(new NoOp())
                .weightInit(new WeightInitRelu())
                .build();
        ComputationGraphConfiguration.GraphBuilder graph = zoo.graphBuilder();
        graph.removeVertex("output", true);
        graph.removeVertex("avgpool", true);
        graph.addLayer("avgpool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "res5c_branch");
        graph.addLayer("output", new OutputLayer.Builder(LossFunction.MCXENT).nOut(classes)
                .activation(Activation.SOFTMAX).build(), "avgpool");
        graph.setOutputs("output");
        ComputationGraphConfiguration conf = graph.build();
        conf.setDataType(DataType.FLOAT);
        for (GraphVertex vertex : conf.getVertices().values()) {
            if (vertex instanceof LayerVertex layerVertex) {
                plain(layerVertex.getLayerConf().getLayer());
            }
        }
        Nd4jRuntime.configure();
        ComputationGraph network = new ComputationGraph(conf);
        network.init();
        return Dl4jNetwork.of(network, new long[] {3, inputSize, inputSize}, classes);
    }

    private static NeuralNetConfiguration.Builder base(long seed) {
        Nd4jRuntime.requireBackend();
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new NoOp())
                .activation(Activation.IDENTITY)
                .miniBatch(true);
    }

    private static MultiLayerNetwork init(MultiLayerConfiguration conf) {
        for (NeuralNetConfiguration layerConf : conf.getConfs()) {
            plain(layerConf.getLayer());
        }
        Nd4jRuntime.configure();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return network;
    }

    /** Strips whatever would make DL4J change weights itself or add to the gradient. */
    private static void plain(Layer layer) {
        layer.setIDropout(null);
        if (layer instanceof BaseLayer base) {
            base.setIUpdater(new NoOp());
            base.setBiasUpdater(null);
            base.setRegularization(new ArrayList<>());
            base.setRegularizationBias(new ArrayList<>());
            base.setWeightNoise(null);
            base.setGradientNormalization(GradientNormalization.None);
        }
    }

    /**
     * What in the network would update weights or regularise them: an updater other than
     * {@link NoOp}, or any regularisation, per parameter key; empty when the network is plain.
     */
    public static List<String> trainingExtras(Dl4jNetwork network) {
        List<String> problems = new ArrayList<>();
        network.layerParams().forEach((key, lp) -> {
            IUpdater updater = lp.layer().getUpdaterByParam(lp.param());
            if (updater != null && !(updater instanceof NoOp)) {
                problems.add(key + ": updater " + updater);
            }
            List<Regularization> regularization = lp.layer().getRegularizationByParam(lp.param());
            if (regularization != null && !regularization.isEmpty()) {
                problems.add(key + ": regularization " + regularization);
            }
            if (lp.layer().getIDropout() != null) {
                problems.add(key + ": dropout " + lp.layer().getIDropout());
            }
            if (lp.layer() instanceof BaseLayer base && base.getWeightNoise() != null) {
                problems.add(key + ": weight noise " + base.getWeightNoise());
            }
        });
        return problems;
    }
}
