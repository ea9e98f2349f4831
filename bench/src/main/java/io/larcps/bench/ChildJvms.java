package io.larcps.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs of a benchmark run, all started with the same flags and the parent's class path, each
 * logging to its own file. {@link #close()} destroys whichever are still alive (only these processes).
 */
public final class ChildJvms implements AutoCloseable {
    private final Path logs;
    private final List<String> jvmFlags;
    private final List<Process> started = new ArrayList<>();
    private final java.util.Map<String, String> environment;

    /** @param jvmFlags flags before the class path, e.g. {@code -Xmx2g}, identical for every child */
    public ChildJvms(Path logs, List<String> jvmFlags) throws IOException {
        this(logs, jvmFlags, java.util.Map.of());
    }

    /** @param environment variables set for every child on top of this process's environment */
    public ChildJvms(Path logs, List<String> jvmFlags, java.util.Map<String, String> environment) throws IOException {
        this.logs = Files.createDirectories(logs);
        this.jvmFlags = List.copyOf(jvmFlags);
        this.environment = java.util.Map.copyOf(environment);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    public Path log(String name) {
        return logs.resolve(name + ".log");
    }

    /** Starts {@code mainClass} with {@code args}; stdout and stderr go to {@code <name>.log}. */
    public Process start(String name, List<String> extraFlags, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(extraFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        try {
            Files.writeString(logs.resolve(name + ".cmd"), String.join(" ", command) + "\n");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(name).toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            synchronized (started) {
                started.add(process);
            }
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits for a child to exit 0; otherwise fails with the tail of its log. */
    public void awaitSuccess(Process process, String name, long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not finish within " + timeoutSeconds + " s; see " + log(name)
                    + "\n" + tail(name));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log(name) + "\n"
                    + tail(name));
        }
    }

    /** Polls a child's log for the first line containing {@code marker}; fails if the child exits first. */
    public String awaitLine(Process process, String name, String marker, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            Optional<String> line = lines(name).stream().filter(l -> l.contains(marker)).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (" + process.exitValue() + ") before printing '" + marker
                        + "'\n" + tail(name));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " printed no '" + marker + "' within " + timeoutSeconds + " s");
    }

    public List<String> lines(String name) {
        try {
            return Files.exists(log(name)) ? Files.readAllLines(log(name)) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String tail(String name) {
        List<String> lines = lines(name);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The machine as the reports print it: cores, CPU model, Java version. */
    public static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // keep "unknown CPU"
        }
        long memory = 0;
        try {
            memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", " + memory / (1024 * 1024) + " GiB RAM, Java "
                + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")";
    }

    /** Destroys every child still alive, gently first. */
    @Override
    public void close() {
        List<Process> alive;
        synchronized (started) {
            alive = started.stream().filter(Process::isAlive).toList();
        }
        alive.forEach(Process::destroy);
        for (Process process : alive) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The flags bin/larcps adds for transparent huge pages: {@code -XX:+UseTransparentHugePages} when
     * the kernel offers them on request ({@code madvise} or {@code always}), none otherwise. Children
     * start with it so that they run as the launcher would run them.
     */
    public static List<String> hugePageFlags() {
        try {
            String mode = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            return mode.contains("[madvise]") || mode.contains("[always]") ? List.of("-XX:+UseTransparentHugePages")
                    : List.of();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The 1, 5 and 15 minute load averages, e.g. {@code 3.69 4.71 4.35}; empty if unknown. */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
