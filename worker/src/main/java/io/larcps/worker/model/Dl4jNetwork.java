package io.larcps.worker.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J network, either a {@link MultiLayerNetwork} or a {@link ComputationGraph}, seen the way a
 * worker needs it: its parameters as one flat vector with one view per {@code <layer>_<param>} key, a
 * gradient for a batch, and inference. The per-sample input shape says how a batch of images (pixels
 * channels-first) is fed: {@code {784}} for a dense input, {@code {1, 28, 28}} for a convolutional one.
 * Not thread-safe: one worker, one network.
 */
public final class Dl4jNetwork {
    private final MultiLayerNetwork multiLayer;
    private final ComputationGraph graph;
    private final long[] sampleShape;
    private final int classes;
    private Map<String, INDArray> lastGradients = Map.of();

    private Dl4jNetwork(MultiLayerNetwork multiLayer, ComputationGraph graph, long[] sampleShape, int classes) {
        this.multiLayer = multiLayer;
        this.graph = graph;
        this.sampleShape = sampleShape.clone();
        this.classes = classes;
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
    }

    /** Wraps an initialised network ({@code init()} called) whose output layer has {@code classes} units. */
    public static Dl4jNetwork of(MultiLayerNetwork network, long[] sampleShape, int classes) {
        return new Dl4jNetwork(network, null, sampleShape, classes);
    }

    /** Wraps an initialised graph with one input and one output of {@code classes} units. */
    public static Dl4jNetwork of(ComputationGraph network, long[] sampleShape, int classes) {
        if (network.getNumInputArrays() != 1 || network.getNumOutputArrays() != 1) {
            throw new IllegalArgumentException("only graphs with one input and one output are supported, got "
                    + network.getNumInputArrays() + " inputs and " + network.getNumOutputArrays() + " outputs");
        }
        return new Dl4jNetwork(null, network, sampleShape, classes);
    }

    public Model model() {
        return multiLayer != null ? multiLayer : graph;
    }

    /** The shape of one sample as the network's input takes it. */
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /** Elements per sample: the product of {@link #sampleShape()}. */
    public int sampleSize() {
        long size = 1;
        for (long dim : sampleShape) {
            size *= dim;
        }
        return Math.toIntExact(size);
    }

    /** The input shape of a batch of {@code batch} samples. */
    public long[] batchShape(int batch) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = batch;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return shape;
    }

    public int classes() {
        return classes;
    }

    /** Every parameter as a view into {@link #params()}, keyed {@code <layer>_<param>}, in flat order. */
    public Map<String, INDArray> paramTable() {
        return model().paramTable();
    }

    /** The flat parameter vector the views of {@link #paramTable()} point into. */
    public INDArray params() {
        return model().params();
    }

    /** The flat gradient vector, laid out like {@link #params()}; filled by {@link #computeGradientAndScore}. */
    public INDArray gradientsView() {
        return model().getGradientsViewArray();
    }

    /**
     * Each parameter key with the layer it belongs to and the layer's own name for the parameter
     * ({@code W}, {@code b}, {@code gamma}, {@code mean}...), in {@link #paramTable()} order.
     */
    public Map<String, LayerParam> layerParams() {
        Map<String, LayerParam> byKey = new LinkedHashMap<>();
        Layer[] layers = multiLayer != null ? multiLayer.getLayers() : graph.getLayers();
        for (Layer layer : layers) {
            String prefix = multiLayer != null ? String.valueOf(layer.getIndex()) : layer.conf().getLayer().getLayerName();
            for (String param : layer.paramTable().keySet()) {
                byKey.put(prefix + "_" + param, new LayerParam(layer.conf().getLayer(), param));
            }
        }
        Map<String, LayerParam> ordered = new LinkedHashMap<>();
        for (String key : paramTable().keySet()) {
            LayerParam param = byKey.get(key);
            if (param == null) {
                throw new IllegalStateException("parameter " + key + " belongs to no layer of the network");
            }
            ordered.put(key, param);
        }
        return ordered;
    }

    /** A parameter's layer configuration and the layer's own key for it. */
    public record LayerParam(org.deeplearning4j.nn.conf.layers.Layer layer, String param) {
    }

    /**
     * Forward and backward pass in training mode (BatchNorm normalises with the batch's statistics).
     * Leaves the gradient in {@link #gradientsView()} and changes no parameter.
     *
     * @return the mean loss over the batch
     */
    public double computeGradientAndScore(INDArray features, INDArray labels) {
        if (multiLayer != null) {
            multiLayer.setInput(features);
            multiLayer.setLabels(labels);
            multiLayer.computeGradientAndScore();
            lastGradients = multiLayer.gradient().gradientForVariable();
            double score = multiLayer.score();
            multiLayer.clear();
            return score;
        }
        graph.setInputs(features);
        graph.setLabels(labels);
        graph.computeGradientAndScore();
        lastGradients = graph.gradient().gradientForVariable();
        double score = graph.score();
        graph.clear();
        return score;
    }

    /** The gradient views of the last {@link #computeGradientAndScore}, by parameter key (views into {@link #gradientsView()}). */
    public Map<String, INDArray> gradientTable() {
        return lastGradients;
    }

    /** Class probabilities in inference mode (BatchNorm uses its running statistics). */
    public INDArray output(INDArray features) {
        return multiLayer != null ? multiLayer.output(features, false) : graph.outputSingle(false, features);
    }

    @Override
    public String toString() {
        return (multiLayer != null ? "MultiLayerNetwork" : "ComputationGraph") + " of " + params().length()
                + " parameters, input " + Arrays.toString(sampleShape) + ", " + classes + " classes";
    }
}
