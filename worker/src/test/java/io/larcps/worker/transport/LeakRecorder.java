package io.larcps.worker.transport;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;

/** Collects Netty's leak reports (logged at ERROR by ResourceLeakDetector) so {@link NoLeaks} can fail on them. */
public final class LeakRecorder extends AppenderBase<ILoggingEvent> {

    private static final List<String> REPORTS = new ArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        synchronized (REPORTS) {
            REPORTS.add(event.getFormattedMessage());
        }
    }

    /** The reports since the last call, which forgets them. */
    static List<String> drain() {
        synchronized (REPORTS) {
            List<String> reports = List.copyOf(REPORTS);
            REPORTS.clear();
            return reports;
        }
    }
}
