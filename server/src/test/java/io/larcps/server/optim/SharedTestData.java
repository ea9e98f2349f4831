package io.larcps.server.optim;

import java.nio.file.Path;

/** Locates the repository-external {@code shared/} folder that holds reference data for tests. */
final class SharedTestData {
    private SharedTestData() {
    }

    /** {@code relative} under the folder named by the {@code larcps.shared} property (set by the build). */
    static Path path(String relative) {
        String shared = System.getProperty("larcps.shared");
        if (shared == null || shared.isBlank()) {
            throw new IllegalStateException("system property larcps.shared is not set: run the tests through Maven");
        }
        return Path.of(shared).resolve(relative).normalize();
    }
}
