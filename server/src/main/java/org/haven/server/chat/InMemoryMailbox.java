package org.haven.server.chat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.protocol.E2e;
import org.haven.server.presence.UserRef;

/**
 * {@link Mailbox} for one node: an insertion-ordered map per device, pruned of expired messages on
 * access.
 *
 * <p>Threading: any thread; a concurrent map, each mailbox changed under its own lock; answers on
 * the caller's thread.
 */
public final class InMemoryMailbox implements Mailbox {

    private record Key(UserRef user, String device) {}

    private record Stored(E2e.DirectMessage message, Instant expiresAt) {}

    private final int perDevice;
    private final Map<Key, LinkedHashMap<String, Stored>> boxes = new ConcurrentHashMap<>();

    public InMemoryMailbox(int perDevice) {
        if (perDevice < 1) {
            throw new IllegalArgumentException("perDevice: " + perDevice + " (expected: > 0)");
        }
        this.perDevice = perDevice;
    }

    @Override
    public CompletionStage<Boolean> put(UserRef user, String device, E2e.DirectMessage message, Instant expiresAt) {
        LinkedHashMap<String, Stored> box = boxes.computeIfAbsent(new Key(user, device), k -> new LinkedHashMap<>());
        synchronized (box) {
            prune(box, message.sentAt());
            if (box.size() >= perDevice) {
                return CompletableFuture.completedFuture(false);
            }
            box.put(message.message(), new Stored(message, expiresAt));
            return CompletableFuture.completedFuture(true);
        }
    }

    @Override
    public CompletionStage<List<E2e.DirectMessage>> pending(UserRef user, String device, Instant now) {
        LinkedHashMap<String, Stored> box = boxes.get(new Key(user, device));
        if (box == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        synchronized (box) {
            prune(box, now);
            List<E2e.DirectMessage> out = new ArrayList<>(box.size());
            box.values().forEach(s -> out.add(s.message()));
            return CompletableFuture.completedFuture(out);
        }
    }

    @Override
    public CompletionStage<Void> acknowledge(UserRef user, String device, List<String> messageIds) {
        LinkedHashMap<String, Stored> box = boxes.get(new Key(user, device));
        if (box != null) {
            synchronized (box) {
                messageIds.forEach(box::remove);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Integer> space(UserRef user, String device, Instant now) {
        LinkedHashMap<String, Stored> box = boxes.get(new Key(user, device));
        if (box == null) {
            return CompletableFuture.completedFuture(perDevice);
        }
        synchronized (box) {
            prune(box, now);
            return CompletableFuture.completedFuture(perDevice - box.size());
        }
    }

    /** Everything stored, for tests that prove the server holds no plaintext. */
    public List<E2e.DirectMessage> everything() {
        List<E2e.DirectMessage> out = new ArrayList<>();
        for (LinkedHashMap<String, Stored> box : boxes.values()) {
            synchronized (box) {
                box.values().forEach(s -> out.add(s.message()));
            }
        }
        return out;
    }

    private static void prune(LinkedHashMap<String, Stored> box, Instant now) {
        box.values().removeIf(s -> !s.expiresAt().isAfter(now));
    }
}
