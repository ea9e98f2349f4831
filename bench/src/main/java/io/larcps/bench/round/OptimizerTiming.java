package io.larcps.bench.round;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.larcps.proto.frame.FloatBodies;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.TensorChunker;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.server.optim.LayerwiseOptimizer;
import io.larcps.server.optim.TensorState;
import io.larcps.server.optim.UpdateKernel;
import io.larcps.server.optim.UpdateKernels;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A shard's serial work in one round, each part timed on one thread in the JVM of the run, on the
 * kernel the shards use ({@link UpdateKernels#best()}), over the tensors the coordinator places on
 * each shard. The optimizer part is the bound's term; the others are diagnostics of where a shard's
 * time goes:
 * <ul>
 *   <li>{@code optimizer}: {@link LayerwiseOptimizer} as {@code ShardTensors.apply} steps the tensors
 *       (gradient sum scaled by 1/samples, lr 0.4);</li>
 *   <li>{@code sum}: per worker, the finite check of its little-endian push, then the first worker's
 *       copied and the others' added into a float[] per tensor kept from round to round, as
 *       {@code StepAggregator} does, on contiguous direct buffers (the shard's bodies are composite
 *       slices of socket reads, so it does at least this);</li>
 *   <li>{@code encode}: the new weights copied into WEIGHTS frame bodies allocated once and kept, one
 *       bulk little-endian copy per chunk, as {@code WeightsCache} does;</li>
 *   <li>{@code fresh}: the same encode into newly allocated pooled direct buffers released after each
 *       round ({@link TensorChunker#split(FrameHeader, float[], io.netty.buffer.ByteBufAllocator)}), as
 *       {@code WeightsCache} did before it kept its buffers: what first-touched memory costs;</li>
 *   <li>{@code *-faults}: the minor page faults of this JVM during the part (Linux; -1 elsewhere).</li>
 * </ul>
 */
public final class OptimizerTiming {
    public static final String PREFIX = "LARCPS-OPT ";
    /** The diagnostic parts, in report order. */
    public static final List<String> PARTS = List.of("sum", "encode", "fresh", "sum-faults", "encode-faults",
            "fresh-faults");

    private OptimizerTiming() {
    }

    /**
     * @param optimizerMs per shard, milliseconds of each measured optimizer step
     * @param parts per diagnostic part (see {@link #PARTS}), per shard, each measured repetition
     */
    public record Timings(List<List<Double>> optimizerMs, Map<String, List<List<Double>>> parts) {
    }

    public static Timings time(int[] elements, int[] shardOf, int shards, int workers, int warmup, int reps) {
        Timings timings = empty(shards);
        UpdateKernel kernel = UpdateKernels.best();
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(RoundCluster.OPTIMIZER, kernel);
        int chunkBytes = 4 << 20;
        TensorChunker chunker = new TensorChunker(new FrameSettings(64 << 20, chunkBytes));
        float scale = 1f / (RoundCluster.BATCH_PER_WORKER * workers);
        for (int shard = 0; shard < shards; shard++) {
            int[] share = ShardShares.tensorsOf(elements, shardOf, shard);
            SplittableRandom random = new SplittableRandom(RoundCluster.GRADIENT_SEED + shard);
            float[][] weights = InstantGradients.gaussian(share, random, InstantGradients.WEIGHT_STD);
            float[][] sums = InstantGradients.gaussian(share, random, InstantGradients.GRADIENT_STD / scale);
            ByteBuffer[] pushes = new ByteBuffer[share.length];
            for (int t = 0; t < share.length; t++) {
                pushes[t] = ByteBuffer.allocateDirect(share[t] * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                pushes[t].asFloatBuffer().put(sums[t]);
            }
            List<TensorState> states = new ArrayList<>();
            for (int t = 0; t < share.length; t++) {
                states.add(new TensorState("t" + t, weights[t], false, false));
            }
            List<ByteBuf> kept = new ArrayList<>();
            for (int t = 0; t < share.length; t++) {
                bulkEncode(weights[t], chunkBytes, kept);
            }
            float[][] summed = new float[share.length][];
            for (int t = 0; t < share.length; t++) {
                summed[t] = new float[share[t]];
            }
            FrameHeader template = FrameHeader.newBuilder().setKind(FrameKind.WEIGHTS).setJobId(RoundCluster.JOB_ID)
                    .setDtype(DType.FLOAT32).build();
            for (int rep = 0; rep < warmup + reps; rep++) {
                boolean measured = rep >= warmup;
                long faults = minorFaults();
                long t0 = System.nanoTime();
                for (int t = 0; t < share.length; t++) {
                    for (int w = 0; w < workers; w++) {
                        if (!kernel.allFiniteLittleEndian(pushes[t], 0, share[t])) {
                            throw new IllegalStateException("non-finite test gradient");
                        }
                        if (w == 0) {
                            pushes[t].duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(summed[t]);
                        } else {
                            kernel.addLittleEndian(pushes[t], 0, summed[t], 0, share[t]);
                        }
                    }
                }
                long t1 = System.nanoTime();
                record(timings, "sum", shard, measured, t0, t1, faults);
                t0 = System.nanoTime();
                for (int t = 0; t < share.length; t++) {
                    optimizer.step(states.get(t), sums[t], scale, RoundCluster.LEARNING_RATE);
                }
                t1 = System.nanoTime();
                if (measured) {
                    timings.optimizerMs().get(shard).add((t1 - t0) / 1e6);
                }

                faults = minorFaults();
                t0 = System.nanoTime();
                int next = 0;
                for (int t = 0; t < share.length; t++) {
                    float[] source = states.get(t).weights();
                    int perChunk = chunkBytes / Float.BYTES;
                    for (int offset = 0; offset < source.length; offset += perChunk) {
                        int length = Math.min(perChunk, source.length - offset);
                        FloatBodies.write(source, offset, length, kept.get(next++).clear());
                    }
                }
                t1 = System.nanoTime();
                record(timings, "encode", shard, measured, t0, t1, faults);

                faults = minorFaults();
                t0 = System.nanoTime();
                List<TensorFrame> frames = new ArrayList<>();
                for (int t = 0; t < share.length; t++) {
                    frames.addAll(chunker.split(template.toBuilder().setTensorId(t).setElementCount(share[t]).build(),
                            states.get(t).weights(), PooledByteBufAllocator.DEFAULT));
                }
                t1 = System.nanoTime();
                record(timings, "fresh", shard, measured, t0, t1, faults);
                frames.forEach(TensorFrame::release);
            }
            kept.forEach(ByteBuf::release);
        }
        return timings;
    }

    private static void record(Timings timings, String part, int shard, boolean measured, long start, long end,
            long faultsBefore) {
        if (measured) {
            timings.parts().get(part).get(shard).add((end - start) / 1e6);
            long faults = minorFaults();
            timings.parts().get(part + "-faults").get(shard).add(faultsBefore < 0 || faults < 0 ? -1.0
                    : (double) (faults - faultsBefore));
        }
    }

    private static Timings empty(int shards) {
        List<List<Double>> optimizer = new ArrayList<>();
        Map<String, List<List<Double>>> parts = new LinkedHashMap<>();
        for (String part : PARTS) {
            parts.put(part, new ArrayList<>());
        }
        for (int shard = 0; shard < shards; shard++) {
            optimizer.add(new ArrayList<>());
            parts.values().forEach(list -> list.add(new ArrayList<>()));
        }
        return new Timings(optimizer, parts);
    }

    /** Minor page faults of this process so far (field 10 of /proc/self/stat), or -1. */
    static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The weights as chunks filled by one bulk little-endian copy each, in new pooled direct buffers. */
    static void bulkEncode(float[] weights, int chunkBytes, List<ByteBuf> into) {
        int perChunk = chunkBytes / Float.BYTES;
        for (int offset = 0; offset < weights.length; offset += perChunk) {
            int length = Math.min(perChunk, weights.length - offset);
            ByteBuf body = PooledByteBufAllocator.DEFAULT.directBuffer(length * Float.BYTES);
            FloatBodies.write(weights, offset, length, body);
            into.add(body);
        }
    }

    /**
     * Child-process entry: {@code SHARDS WORKERS WARMUP REPS}; prints {@code LARCPS-OPT <part> <shard> <value>}
     * per measured repetition, part {@code optimizer} or one of {@link #PARTS}.
     */
    public static void main(String[] args) {
        int shards = Integer.parseInt(args[0]);
        int[] elements = ModelLayout.sizes(ModelLayout.load(ModelLayout.defaultPath()));
        Timings timings = time(elements, ShardShares.assign(elements, shards), shards, Integer.parseInt(args[1]),
                Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        print("optimizer", timings.optimizerMs());
        timings.parts().forEach(OptimizerTiming::print);
        System.exit(0);
    }

    private static void print(String part, List<List<Double>> values) {
        for (int shard = 0; shard < values.size(); shard++) {
            for (double value : values.get(shard)) {
                System.out.println(PREFIX + part + " " + shard + " " + value);
            }
        }
    }

    /** Reads what {@link #main} printed. */
    public static Timings parse(List<String> lines, int shards) {
        Timings timings = empty(shards);
        for (String line : lines) {
            if (!line.startsWith(PREFIX)) {
                continue;
            }
            String[] fields = line.substring(PREFIX.length()).trim().split("\\s+");
            List<List<Double>> part = fields[0].equals("optimizer") ? timings.optimizerMs() : timings.parts().get(fields[0]);
            if (part == null) {
                throw new IllegalArgumentException("unknown timing part in: " + line);
            }
            part.get(Integer.parseInt(fields[1])).add(Double.parseDouble(fields[2]));
        }
        return timings;
    }
}
