package io.larcps.deploy.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * Where a node serves its metrics, read once from {@code larcps.metrics}.
 *
 * @param port the endpoint's port; {@link #OFF} for none, 0 for one the OS chooses
 * @param bindHost the address the endpoint binds
 */
public record MetricsSettings(int port, String bindHost) {
    /** The port that turns the endpoint off. */
    public static final int OFF = -1;

    public MetricsSettings {
        if (port < OFF || port > 65_535) {
            throw new ConfigException.BadValue("larcps.metrics.port",
                    "must be -1 (off), 0 (the OS chooses) or a port up to 65535, got " + port);
        }
        if (bindHost == null || bindHost.isBlank()) {
            throw new ConfigException.BadValue("larcps.metrics.bind-host", "must name an address");
        }
    }

    /** @param nodeHost the node's own address, bound when {@code bind-host} is empty */
    public static MetricsSettings fromConfig(Config config, String nodeHost) {
        Config section = config.getConfig("larcps.metrics");
        String bindHost = section.getString("bind-host");
        return new MetricsSettings(section.getInt("port"), bindHost.isEmpty() ? nodeHost : bindHost);
    }

    public boolean enabled() {
        return port != OFF;
    }
}
