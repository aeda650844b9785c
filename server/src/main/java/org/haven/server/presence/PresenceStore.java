package org.haven.server.presence;

import java.util.concurrent.CompletionStage;
import org.haven.protocol.PresenceStatus;

/**
 * Where presence lives: which users are online through which connections, and the status each
 * chose. The engine behind it is in memory on one node, or Redis for a cluster.
 *
 * <p>Guarantees: every method is non-blocking and thread-safe; changes to one user are applied in
 * the order they are called; a user is online exactly while at least one of their connections is
 * registered; the status survives while the user stays online and resets to
 * {@link PresenceStatus#AVAILABLE} once their last connection is gone.
 */
public interface PresenceStore {

    /** Registers an open connection of {@code user}; completes with the presence after the change. */
    CompletionStage<Presence> connect(UserRef user, String connectionId);

    /** Removes a connection of {@code user}; completes with the presence after the change. */
    CompletionStage<Presence> disconnect(UserRef user, String connectionId);

    /** Sets the status of an online user; completes with the presence after the change. */
    CompletionStage<Presence> setStatus(UserRef user, PresenceStatus status);

    /** The presence of {@code user} (offline when unknown). */
    CompletionStage<Presence> get(UserRef user);
}
