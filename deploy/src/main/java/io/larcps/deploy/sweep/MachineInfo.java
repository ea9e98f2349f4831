package io.larcps.deploy.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine a sweep ran on, for the results: wall times mean nothing without it. */
public record MachineInfo(int processors, String cpu, String java, String os) {

    public static MachineInfo current() {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), cpuModel(),
                "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            return lines.stream().filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU (no /proc/cpuinfo)";
        }
    }

    /** {@code 2 processors (AMD EPYC ...), Java 17.0.15+6 (OpenJDK 64-Bit Server VM), Linux ...}. */
    public String describe() {
        return processors + " processors (" + cpu + "), " + java + ", " + os;
    }
}
