package io.larcps.worker.transport;

import java.util.Objects;

/**
 * Where a parameter shard's data-plane server listens. Several shards may share one endpoint; the
 * client opens one connection per distinct endpoint, so equality is by host and port.
 */
public record Endpoint(String host, int port) {

    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("endpoint host is blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("endpoint port " + port + " is not a TCP port");
        }
    }

    @Override
    public String toString() {
        return host + ':' + port;
    }
}
