package org.haven.server.chat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.E2e;
import org.haven.server.presence.UserRef;

/**
 * Direct messages waiting for a device: kept until the device confirms them or they expire, at
 * most a bounded number per device. Holds opaque envelopes only.
 *
 * <p>Guarantees: messages of one device are returned in the order they were put; a message is
 * gone once acknowledged or expired; a full mailbox refuses new messages (the sender is told)
 * rather than dropping old ones.
 */
public interface Mailbox {

    /** Stores a message for a device; completes false when the device's mailbox is full. */
    CompletionStage<Boolean> put(UserRef user, String device, E2e.DirectMessage message, Instant expiresAt);

    /** Every unexpired message waiting for the device, oldest first. */
    CompletionStage<List<E2e.DirectMessage>> pending(UserRef user, String device, Instant now);

    /** Deletes acknowledged messages. */
    CompletionStage<Void> acknowledge(UserRef user, String device, List<String> messageIds);

    /** Room for how many more messages the device has. */
    CompletionStage<Integer> space(UserRef user, String device, Instant now);
}
