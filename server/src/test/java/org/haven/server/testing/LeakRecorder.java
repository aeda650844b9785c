package org.haven.server.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Logback appender that keeps every log line containing {@code LEAK:}: Netty's leak detector
 * reports leaked buffers that way. {@link LeakDetectionExtension} fails the test class that saw one.
 */
public final class LeakRecorder extends AppenderBase<ILoggingEvent> {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (message != null && message.contains("LEAK:")) {
            LEAKS.add(event.getLoggerName() + ": " + message);
        }
    }

    /** Returns the leaks recorded so far and forgets them. */
    public static List<String> takeLeaks() {
        List<String> out = List.copyOf(LEAKS);
        LEAKS.clear();
        return out;
    }
}
