package org.haven.server.transport;

import java.util.Locale;

/** What a node tells load balancers on {@code /readyz}, and whether it takes new WebSocket sessions. */
public enum Readiness {
    /** Serving, every store reachable. */
    READY(true),
    /** Serving, but a store is unreachable: local rooms go on, state is resynced when it returns. */
    DEGRADED(true),
    /**
     * Not taking sessions (production): the durable records are in a Redis that keeps nothing on
     * disk, so a restart of Redis would lose them ({@code HAVEN_REDIS_PERSISTENCE_REQUIRED}).
     */
    NOT_DURABLE(false),
    /** Shutting down. */
    DRAINING(false);

    private final boolean serving;

    Readiness(boolean serving) {
        this.serving = serving;
    }

    /** Whether new WebSocket sessions are taken (and {@code /readyz} answers 200). */
    public boolean serving() {
        return serving;
    }

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
