package org.haven.server.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.haven.server.config.ServerConfig;
import org.slf4j.LoggerFactory;

/**
 * Applies the configured log format and level to the process's logging: one JSON object per line
 * ({@code timestamp, level, threadName, loggerName, mdc, kvpList, formattedMessage, throwable}) for
 * collectors, or a plain line for people. What is logged is the same either way: opaque ids only.
 */
public final class LogSetup {

    static final int QUEUE_SIZE = 8192;
    static final String TEXT_PATTERN = "%d{ISO8601} %-5level [%thread] %logger{24} - %msg%n";

    private LogSetup() {}

    /**
     * Replaces the root logger's appender with one in the configured format and level. Lines are
     * written by a background thread: an event loop that logs never waits on standard output (when
     * the queue of 8192 lines is full, further lines are dropped rather than stall the server).
     */
    public static void apply(ServerConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding: its own configuration rules
        }
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder(config.logging().logFormat(), context));
        console.start();
        AsyncAppender appender = new AsyncAppender();
        appender.setContext(context);
        appender.setName("ASYNC");
        appender.setQueueSize(QUEUE_SIZE);
        appender.setDiscardingThreshold(0); // keep every level until the queue is full
        appender.setNeverBlock(true);
        appender.addAppender(console);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        root.setLevel(Level.toLevel(config.logging().logLevel(), Level.INFO));
    }

    /** Writes out the lines still queued (at the end of the process). */
    public static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    /** The encoder of {@code format}, started (tests encode captured events with it). */
    public static Encoder<ILoggingEvent> encoder(ServerConfig.LogFormat format, LoggerContext context) {
        if (format == ServerConfig.LogFormat.TEXT) {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setContext(context);
            text.setPattern(TEXT_PATTERN);
            text.start();
            return text;
        }
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        json.start();
        return json;
    }
}
