package org.haven.server.auth;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Revocations in this process's memory (one node; nothing outlives it). */
public final class InMemoryRevocationStore implements RevocationStore {

    private final Map<Object, Revocation> entries = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> add(Revocation revocation) {
        Object key = revocation.tokenId() != null ? revocation.tokenId() : revocation.user();
        entries.merge(key, revocation, (old, now) -> now.until().isAfter(old.until()) ? now : old);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<Revocation>> active(Instant now) {
        entries.values().removeIf(r -> !r.until().isAfter(now));
        return CompletableFuture.completedFuture(List.copyOf(entries.values()));
    }
}
