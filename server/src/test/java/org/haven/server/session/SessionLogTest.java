package org.haven.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Session lines: one each at info up to the rate, then debug and a count a second. */
class SessionLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("haven.test.session-log");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final AtomicLong nanos = new AtomicLong(-5_500_000_000L); // nanoTime may be negative
    private final SessionLog log = new SessionLog(logger, logger, nanos::get);

    @BeforeEach
    void listen() {
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(lines);
    }

    private List<String> at(Level level) {
        return lines.list.stream()
                .filter(e -> e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void logsEachSessionAtInfoUpToTheRateThenCountsThem() {
        for (int i = 0; i < SessionLog.LINES_PER_SECOND + 30; i++) {
            log.opened("c" + i, "u" + i, "org-1", "client");
        }
        for (int i = 0; i < 5; i++) {
            log.closed("c" + i, "u" + i, false);
        }
        assertThat(at(Level.INFO)).hasSize(SessionLog.LINES_PER_SECOND);
        assertThat(at(Level.INFO).get(0)).isEqualTo("session opened connection=c0 user=u0 org=org-1 role=client");
        assertThat(at(Level.DEBUG)).hasSize(35).contains("session closed connection=c4 user=u4 abrupt=false");

        log.summarise();
        assertThat(at(Level.INFO))
                .last()
                .isEqualTo(
                        "sessions opened=30 closed=5 not logged one by one (more than 50 a second; debug logs each)");
        log.summarise();
        assertThat(at(Level.INFO)).hasSize(SessionLog.LINES_PER_SECOND + 1); // nothing held back: no line

        nanos.addAndGet(1_000_000_000L);
        log.closed("c9", "u9", true);
        assertThat(at(Level.INFO)).last().isEqualTo("session closed connection=c9 user=u9 abrupt=true");
    }

    @Test
    void aCallerWithAnOlderClockReadingCountsAgainstTheNewSecond() {
        nanos.set(-4_000_000_000L); // a second begins
        for (int i = 0; i < SessionLog.LINES_PER_SECOND; i++) {
            log.opened("c" + i, "u" + i, "org-1", "client");
        }
        nanos.set(-4_000_000_001L); // read just before it began
        log.opened("late", "u-late", "org-1", "client");
        assertThat(at(Level.INFO)).hasSize(SessionLog.LINES_PER_SECOND);
        assertThat(at(Level.DEBUG)).containsExactly("session opened connection=late user=u-late org=org-1 role=client");
        nanos.set(-4_000_000_000L);
        log.opened("next", "u-next", "org-1", "client");
        assertThat(at(Level.DEBUG)).hasSize(2); // the window was not moved back
    }
}
