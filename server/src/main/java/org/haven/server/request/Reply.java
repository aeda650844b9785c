package org.haven.server.request;

import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Refusal;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer to one request, sent once: {@code ok} with a result (or none), a refusal with its
 * documented code, or {@code internal} for an unexpected failure (logged here with a reference the
 * client is given; the client never sees a stack trace). A second answer is dropped and logged.
 * Sent on the calling thread, so an answer sent after an event from the same thread arrives after it.
 * Thread-safe.
 *
 * <p>Threading: any thread; answered once.
 */
public final class Reply {

    private static final Logger log = LoggerFactory.getLogger(Reply.class);

    private final @Nullable Connection connection;
    private final @Nullable Consumer<ServerMessage> sink;
    private final @Nullable String re;
    private final AtomicBoolean sent = new AtomicBoolean();

    /** The answer to request {@code re}, sent on {@code connection}; with {@code connection} null, none is sent. */
    public Reply(@Nullable Connection connection, @Nullable String re) {
        this(connection, null, re);
    }

    private Reply(@Nullable Connection connection, @Nullable Consumer<ServerMessage> sink, @Nullable String re) {
        this.connection = connection;
        this.sink = sink;
        this.re = re;
    }

    /**
     * The answer to a request that came another way than a connection (the server API): the
     * {@code ok} or {@code error} message goes to {@code sink}, once, on the answering thread.
     */
    public static Reply to(String re, Consumer<ServerMessage> sink) {
        return new Reply(null, Objects.requireNonNull(sink, "sink"), Objects.requireNonNull(re, "re"));
    }

    /** For work nobody asked for (a closed connection leaving its rooms): nothing is sent. */
    public static Reply none() {
        return new Reply(null, null);
    }

    /** Whether an answer was sent (never, for {@link #none()}). */
    public boolean isAnswered() {
        return sent.get();
    }

    /** The id of the request answered. */
    public @Nullable String re() {
        return re;
    }

    public void ok() {
        ok(null);
    }

    public void ok(@Nullable Result result) {
        if (connection == null && sink == null) {
            return; // a reply to nobody (none()): there is no request id to answer
        }
        send(new ServerMessage.Ok(re, result));
    }

    public void refuse(ErrorCode code, String message) {
        send(new ServerMessage.Error(re, code, message));
    }

    public void refuse(Refusal refusal) {
        send(refusal.toError(re));
    }

    /** An unexpected failure: logged with a reference, answered {@code internal} with it. */
    public void fail(Throwable failure) {
        String reference = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        log.error(
                "request failed reference={} connection={}",
                reference,
                connection == null ? "-" : connection.id(),
                failure);
        refuse(ErrorCode.INTERNAL, "the request could not be completed (reference " + reference + ")");
    }

    /** Answers with the stage's result once it completes, or with its refusal, or {@code internal}. */
    public void complete(CompletionStage<? extends Result> stage) {
        stage.whenComplete((result, failure) -> {
            if (failure == null) {
                ok(result);
                return;
            }
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof Refusal r) {
                refuse(r);
            } else {
                fail(cause);
            }
        });
    }

    private void send(ServerMessage message) {
        if (connection == null && sink == null) {
            return;
        }
        if (!sent.compareAndSet(false, true)) {
            log.warn("second answer dropped connection={}", connection == null ? "-" : connection.id());
            return;
        }
        if (sink != null) {
            sink.accept(message);
        } else if (connection != null) {
            connection.send(Outbound.of(message));
        }
    }
}
