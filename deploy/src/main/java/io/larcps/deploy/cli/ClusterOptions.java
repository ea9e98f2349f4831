package io.larcps.deploy.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where a node listens and whom it joins; each option also reads an environment variable (containers). */
public final class ClusterOptions {

    @Option(names = "--host", defaultValue = "${env:LARCPS_HOST:-127.0.0.1}",
            description = "Address this node binds and advertises for the control plane and the data plane "
                    + "(env LARCPS_HOST; default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:LARCPS_PORT:-0}",
            description = "Control-plane (Pekko Artery) port; 0 lets the OS choose, which only suits nodes that "
                    + "no one uses as a seed (env LARCPS_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--join", split = ",", paramLabel = "HOST:PORT",
            description = "Seed node(s) to join, e.g. 10.0.0.5:2552; repeat or comma-separate "
                    + "(env LARCPS_JOIN). Without seeds a node forms a new cluster by joining itself.")
    List<String> seeds = new ArrayList<>();

    @Option(names = "--data-plane-port", defaultValue = "${env:LARCPS_DATA_PLANE_PORT:-0}",
            description = "Data-plane (Netty) port of a ps node; 0 lets the OS choose: workers learn it from the "
                    + "coordinator (env LARCPS_DATA_PLANE_PORT; default ${DEFAULT-VALUE}).")
    int dataPlanePort;

    @Option(names = "--metrics-port", defaultValue = "${env:LARCPS_METRICS_PORT}",
            description = "Port of this node's Prometheus endpoint (GET /metrics); 0 lets the OS choose; the "
                    + "address is printed (env LARCPS_METRICS_PORT). Without it, larcps.metrics.port decides: no "
                    + "endpoint by default.")
    Integer metricsPort;

    /** Joins no one, whatever LARCPS_JOIN says: the embedded clusters of a sweep stay in their JVM. */
    private boolean standalone;

    /** A node alone on loopback with ports the OS chooses: a cluster embedded in one JVM (a sweep's runs). */
    public static ClusterOptions loopback() {
        ClusterOptions options = new ClusterOptions();
        options.host = "127.0.0.1";
        options.standalone = true;
        return options;
    }

    /** Seeds from the flag, else from LARCPS_JOIN, as Pekko addresses. */
    public List<String> seedAddresses() {
        if (standalone) {
            return List.of();
        }
        List<String> raw = new ArrayList<>(seeds);
        String fromEnv = System.getenv("LARCPS_JOIN");
        if (raw.isEmpty() && fromEnv != null && !fromEnv.isBlank()) {
            raw.addAll(List.of(fromEnv.split(",")));
        }
        List<String> addresses = new ArrayList<>();
        for (String seed : raw) {
            String trimmed = seed.trim();
            if (!trimmed.matches("[^:/@\\s]+:\\d{1,5}")) {
                throw new IllegalArgumentException("--join '" + trimmed + "' is not HOST:PORT");
            }
            addresses.add("pekko://larcps@" + trimmed);
        }
        return addresses;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int dataPlanePort() {
        return dataPlanePort;
    }

    /** The metrics port the flag or its variable gave, checked; empty when neither did. */
    public Optional<Integer> metricsPort() {
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65_535)) {
            throw new IllegalArgumentException("--metrics-port must be 0 (the OS chooses) or a port up to 65535, got "
                    + metricsPort);
        }
        return Optional.ofNullable(metricsPort);
    }
}
