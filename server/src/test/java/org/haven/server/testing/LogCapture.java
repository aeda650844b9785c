package org.haven.server.testing;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.haven.server.config.ServerConfig;
import org.haven.server.logging.LogSetup;

/**
 * Keeps every log line of the test JVM so tests can search them: the message with its exception
 * text, followed by the line exactly as the production JSON encoder writes it (stack trace, key-value
 * pairs and MDC included).
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> {

    private Encoder<ILoggingEvent> json;

    @Override
    public void start() {
        json = LogSetup.encoder(ServerConfig.LogFormat.JSON, (LoggerContext) getContext());
        super.start();
    }

    private static final int MAX_LINES = 200_000;
    private static final List<String> LINES = new ArrayList<>();
    /** How many lines were ever captured (those dropped past {@link #MAX_LINES} included). */
    private static long captured;

    @Override
    protected void append(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        line.append(" | json: ").append(new String(json.encode(event), StandardCharsets.UTF_8));
        synchronized (LINES) {
            if (LINES.size() >= MAX_LINES) {
                LINES.remove(0);
            }
            LINES.add(line.toString());
            captured++;
        }
    }

    /** A mark of where the capture stands now, for {@link #since}. */
    public static long mark() {
        synchronized (LINES) {
            return captured;
        }
    }

    /**
     * The lines captured after {@code mark} (a test's own, not those of the tests that ran before it
     * in this JVM), those still kept.
     */
    public static List<String> since(long mark) {
        synchronized (LINES) {
            long after = captured - mark;
            int from = (int) Math.max(0, LINES.size() - after);
            return List.copyOf(LINES.subList(from, LINES.size()));
        }
    }

    /** Every line captured so far. */
    public static List<String> lines() {
        synchronized (LINES) {
            return List.copyOf(LINES);
        }
    }
}
