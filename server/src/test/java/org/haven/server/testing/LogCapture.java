package org.haven.server.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;

/** Keeps every log line of the test JVM (message and exception text) so tests can search them. */
public final class LogCapture extends AppenderBase<ILoggingEvent> {

    private static final int MAX_LINES = 200_000;
    private static final List<String> LINES = new ArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        synchronized (LINES) {
            if (LINES.size() >= MAX_LINES) {
                LINES.remove(0);
            }
            LINES.add(line.toString());
        }
    }

    /** Every line captured so far. */
    public static List<String> lines() {
        synchronized (LINES) {
            return List.copyOf(LINES);
        }
    }
}
