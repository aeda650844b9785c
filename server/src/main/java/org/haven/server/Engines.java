package org.haven.server;

import java.util.Objects;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.InMemoryAlertStore;
import org.haven.server.care.CareStore;
import org.haven.server.care.InMemoryCareStore;
import org.haven.server.chat.InMemoryKeyDirectory;
import org.haven.server.chat.InMemoryMailbox;
import org.haven.server.chat.KeyDirectory;
import org.haven.server.chat.Mailbox;
import org.haven.server.config.ServerConfig;
import org.haven.server.presence.InMemoryPresenceStore;
import org.haven.server.presence.PresenceStore;

/**
 * Where a node keeps its state: one engine per kind, each behind a small interface with an
 * in-memory and a Redis implementation. A node's features see only these interfaces.
 */
public record Engines(PresenceStore presence, AlertStore alerts, CareStore care, KeyDirectory keys, Mailbox mailbox) {

    public Engines {
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(care, "care");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(mailbox, "mailbox");
    }

    /** Everything in this process's memory: one node, nothing kept across a restart. */
    public static Engines inMemory(ServerConfig config) {
        return new Engines(new InMemoryPresenceStore(), new InMemoryAlertStore(), new InMemoryCareStore(),
                new InMemoryKeyDirectory(), new InMemoryMailbox(config.mailboxPerDevice()));
    }
}
