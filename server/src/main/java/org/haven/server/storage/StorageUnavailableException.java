package org.haven.server.storage;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * A store that a setting names cannot be used at start: the database or Redis does not answer or
 * refuses the credentials, or the data directory or its SQLite file cannot be created or written. A
 * node that started anyway would lose what it confirms, so it does not start: the command line
 * prints {@link #getMessage()} and exits with status 2, as for any other setting to check.
 *
 * <p>The message names the setting, its value with any password masked, and why in a few words
 * chosen from the kind of failure, never from a driver's message (it may quote a password or a
 * stored value). The failure itself stays the cause, for a debugger, unless it quotes a password;
 * it is not printed.
 */
public final class StorageUnavailableException extends RuntimeException {

    private final String setting;

    private StorageUnavailableException(String setting, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.setting = setting;
    }

    /**
     * A store that does not answer or refuses the node, as in {@code the database HAVEN_DATABASE_URL
     * names cannot be reached (postgresql://haven:********@db:5432/haven): connection refused}.
     *
     * @param store what the setting names ({@code the database})
     * @param shown the setting's value as it may be printed (password masked)
     * @param why why, in words safe to print
     */
    public static StorageUnavailableException unreachable(
            String store, String setting, String shown, String why, @Nullable Throwable cause) {
        return new StorageUnavailableException(
                setting, store + " " + setting + " names cannot be reached (" + shown + "): " + why, cause);
    }

    /**
     * A place that is there but cannot be used, as in {@code the data directory HAVEN_DATA_DIR names
     * cannot be used (/srv/haven): cannot create or open /srv/haven/haven.db}.
     */
    public static StorageUnavailableException unusable(
            String store, String setting, String shown, String why, @Nullable Throwable cause) {
        return new StorageUnavailableException(
                setting, store + " " + setting + " names cannot be used (" + shown + "): " + why, cause);
    }

    /** The setting to check ({@code HAVEN_DATABASE_URL}, ...). */
    public String setting() {
        return setting;
    }

    /**
     * Why a connection could not be made, read from the kinds of the exceptions in {@code failure},
     * its causes and what they suppressed (a client that tried several servers keeps each one's
     * failure there): {@code connection refused}, {@code unknown host}, ...; null when none says.
     */
    public static @Nullable String connectionProblem(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String problem = problemOf(t);
            if (problem != null) {
                return problem;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            for (Throwable suppressed : t.getSuppressed()) {
                String problem = connectionProblem(suppressed);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static @Nullable String problemOf(Throwable t) {
        if (t instanceof SocketTimeoutException) {
            return "no answer in time";
        }
        if (t instanceof UnknownHostException) {
            return "unknown host";
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (t instanceof ConnectException) {
            // The JDK's and Netty's messages (Netty's time-out is one too): the system's reason, at
            // most with the address.
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("refused")) {
                return "connection refused";
            }
            if (message.contains("timed out")) {
                return "no answer in time";
            }
            return message.contains("unreachable") ? "network unreachable" : "cannot connect";
        }
        if (t instanceof SSLException) {
            return "the TLS handshake failed";
        }
        return null;
    }
}
