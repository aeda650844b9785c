package org.haven.loadtest;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.haven.client.CloseStatus;
import org.haven.client.HavenClient;

/** Turns a failed connection or request into one line a person can act on. */
final class Failures {

    private Failures() {}

    static String describe(String who, HavenClient client, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        CloseStatus status = client == null ? null : client.closeFuture().getNow(null);
        String why = cause instanceof TimeoutException
                ? "no answer in time"
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (status != null && status.code() == 4003) {
            return who + ": the server rejected the token (close 4003): check --secret, and that the server runs"
                    + " in dev mode with the default issuer and audience";
        }
        if (status != null && status.code() > 0) {
            return who + ": the server closed the connection with " + status.code() + " " + status.reason();
        }
        return who + ": " + why;
    }
}
