package io.larcps.server.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The coordinator's account of a job's checkpoints: the version its shards are writing, the files
 * each has reported, and the last version every shard wrote. Pure bookkeeping: the coordinator sends
 * the orders and writes the manifest.
 */
public final class CheckpointLedger {
    private final int shards;
    private long writing = -1;
    private final Map<Integer, List<String>> filesByShard = new TreeMap<>();
    private long complete = -1;

    /** @param shards how many shards write each version */
    public CheckpointLedger(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("a job has at least one shard, got " + shards);
        }
        this.shards = shards;
    }

    /** Whether version {@code version} is due under {@code settings}: a checkpoint version newer than the last complete one. */
    public boolean due(CheckpointSettings settings, long version) {
        return settings.at(version) && version > complete;
    }

    /**
     * The shards start writing {@code version}.
     *
     * @return the version still being written that this one replaces (a shard's answer was lost), or -1
     */
    public long begin(long version) {
        long replaced = writing;
        writing = version;
        filesByShard.clear();
        return replaced;
    }

    /**
     * A shard wrote its part of {@code version}.
     *
     * @return every shard's files, in shard order, once this report completes the version; empty
     *     before that, and for a version not being written (a late report)
     */
    public Optional<List<String>> written(int shard, long version, List<String> files) {
        if (version != writing || version < 0) {
            return Optional.empty();
        }
        filesByShard.put(shard, List.copyOf(files));
        if (filesByShard.size() < shards) {
            return Optional.empty();
        }
        List<String> all = new ArrayList<>();
        filesByShard.values().forEach(all::addAll);
        complete = writing;
        abandon();
        return Optional.of(all);
    }

    /** A shard could not write {@code version}; returns whether that was the version being written, now dropped. */
    public boolean failed(long version) {
        if (version != writing || version < 0) {
            return false;
        }
        abandon();
        return true;
    }

    /** Forgets the version being written (a recovery rolls the shards back). */
    public void abandon() {
        writing = -1;
        filesByShard.clear();
    }

    /** The job resumes from the complete checkpoint of {@code version}: the one to recover from until the next. */
    public void resumeFrom(long version) {
        if (version < 0) {
            throw new IllegalArgumentException("a checkpoint's version is >= 0, got " + version);
        }
        abandon();
        complete = version;
    }

    /** The last version every shard wrote; -1 before the first. */
    public long lastComplete() {
        return complete;
    }
}
